// Pure: the facts every plan is made from, read once per command or hook (gather.ts reads them off the host).
import type { BridgeAddress } from './bridge';
import type { Socket } from './diagnose';
import type { DockerOptions } from './options';
import type { Settings } from './properties';
import type { RedeployRecord } from './redeploy';

export interface NetworkSettings {
  initialNetwork: string;
  attachPostCreate: string;
  attachPostDeploy: string;
}

export interface PortMap {
  scheme: string;
  host: number;
  container: number;
}

/** AppFacts are what Dokku's plugins know about one app that matters for host networking. */
export interface AppFacts {
  app: string;
  settings: Settings;
  options: DockerOptions;
  network: NetworkSettings;
  /** scale is the count per process type; an app without a stored scale runs one web process. */
  scale: Record<string, number>;
  /** ports are the port maps Dokku uses, as `ports-get` answers them (portMaps). */
  ports: PortMap[];
  /** vhost is what the app's label proxy routes on: its domains (domains-list), whether vhosts are enabled, letsencrypt. */
  vhost: { enabled: boolean; domains: string[]; letsencrypt: boolean };
  scheduler: string;
  /** builder is the selected builder, else the one detected at the last build, else ''. */
  builder: string;
  proxyType: string;
  /** proxyEnabled is false after proxy:disable (the proxy then gives the app no labels and no route). */
  proxyEnabled: boolean;
  /** checksDisabled tells whether zero-downtime checks are disabled for web (Dokku then stops the old container first). */
  checksDisabled: boolean;
  /** traefikLabels are traefik's labels store of the app (traefik:labels:add writes it). */
  traefikLabels: Record<string, string>;
  /** ownLabels are the labels of that store the plugin wrote, as it recorded them. */
  ownLabels: Record<string, string>;
  /** derived tells whether the app has precomputed trigger answers of its own. */
  derived: boolean;
  /** basePort is webPort of the user's own map: the plugin's move to the other port of the pair aside (redeploy.ts). */
  basePort?: number;
  /** redeploy is the plugin's record of the app's redeploys (redeploy.ts). */
  redeploy?: RedeployRecord;
  /** portsMoved: the stored ports map is the plugin's move to the other port of the pair (redeploy.ts ownsMap). */
  portsMoved?: boolean;
  /** hostNetworkRunning: a web container of the app runs with host networking now, so it holds the app's port itself. */
  hostNetworkRunning?: boolean;
}

/** HostFacts are the facts about the host and every app, for the checks that look beyond one app. */
export interface HostFacts {
  global: Settings;
  apps: Map<string, AppFacts>;
  /** listeners are the TCP sockets listening on the host. */
  listeners: Socket[];
  /** dokkuInDocker tells whether Dokku itself runs in a container (the dokku/dokku image). */
  dokkuInDocker: boolean;
  /** bridge is what host-gateway resolves to, or why that is unknown; undefined when not asked. */
  bridge?: BridgeAddress;
  /** k3s is the Dokku server's node in the k3s cluster, its address and the number of ready nodes, when an app on k3s needs them. */
  k3s?: { serverNode?: string; serverAddress?: string; nodes?: number; error?: string };
}

/** webPort is the port a web container binds: Dokku passes the first non-udp container port as PORT. */
export const webPort = (facts: Pick<AppFacts, 'ports'>): number | undefined => facts.ports.find((p) => p.scheme !== 'udp')?.container;


/**
 * parsePortMaps reads stored port maps as Dokku's parsePortMapString does (plugins/ports/functions.go): words of
 * `scheme:host:container`; a bare number is an `__internal__` map; the first malformed word ends the list (Dokku keeps
 * what it parsed before the error).
 */
function parsePortMaps(lines: string[]): PortMap[] {
  const maps: PortMap[] = [];
  const inRange = (n: string | undefined): boolean => /^\d+$/.test(n ?? '') && Number(n) < 65536;
  for (const word of lines.join(' ').trim().split(/\s+/).filter(Boolean)) {
    if (/^\d+$/.test(word)) {
      if (!inRange(word)) break;
      maps.push({ scheme: '__internal__', host: Number(word), container: 0 });
      continue;
    }
    const parts = word.split(':');
    const [scheme = '', host, container] = [parts[0], parts[1], parts.slice(2).join(':')];
    if (parts.length < 3 || !inRange(host) || !inRange(container)) break;
    maps.push({ scheme, host: Number(host), container: Number(container) });
  }
  return maps;
}

/** PortInputs are what Dokku's ports plugin reads to answer `ports-get` for an app. */
export interface PortInputs {
  /** map is `ports:set`'s property list, detected the builder's (`ports-set-detected`). */
  map: string[];
  detected: string[];
  /** proxyPort and proxySslPort are the proxy plugin's computed proxy-port and proxy-ssl-port (0: unset). */
  proxyPort: number;
  proxySslPort: number;
  /** certExists is doesCertExist: the certs plugin has a certificate, or the app's proxy forces one (letsencrypt). */
  certExists: boolean;
}

/**
 * portMaps answers what `plugn trigger ports-get APP` prints (plugins/ports/triggers.go TriggerPortsGet): the stored
 * maps, else getDetectedPortMaps — the detected maps, else `http:<proxy-port or 80>:5000`, plus, with a certificate,
 * an https map for each `http:80` map (or every http map turned https when there is none); then internal maps
 * dropped and one map per scheme and host port (uniquePortMaps). nixpacks and railpack never record detected maps, so
 * their apps get the default (docs/dokku-facts.md).
 */
export function portMaps({ map, detected, proxyPort, proxySslPort, certExists }: PortInputs): PortMap[] {
  let maps = parsePortMaps(map);
  if (maps.length === 0) {
    maps = parsePortMaps(detected);
    if (maps.length === 0) maps = [{ scheme: 'http', host: proxyPort || 80, container: 5000 }];
    if (certExists) {
      const fromHttp = maps.filter((m) => m.scheme === 'http' && m.host === 80).map((m) => ({ scheme: 'https', host: proxySslPort || 443, container: m.container }));
      maps = fromHttp.length ? [...maps, ...fromHttp] : maps.map((m) => (m.scheme === 'http' ? { ...m, scheme: 'https' } : m));
    }
  }
  const seen = new Set<string>();
  return maps.filter((m) => {
    const key = `${m.scheme}:${m.host}`;
    if (m.scheme === '__internal__' || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** ProxyRoutes are the container ports a label proxy routes to for an app's web containers (undefined: no route). */
export interface ProxyRoutes {
  /** http and https are traefik's `<app>-web-http` and `<app>-web-https` routers. */
  http?: number;
  https?: number;
  /** caddy is the port of caddy's `caddy.reverse_proxy`, emitted only with a `caddy=` site (which needs domains). */
  caddy?: number;
}

/**
 * proxyRoutes follows caddy-vhosts' and traefik-vhosts' docker-args-process-deploy over `ports-get`: no route when the
 * app's vhost is disabled; http goes to the `http:80` map's container port, else the first http map's; https to the
 * `https:443` map's, else — with a letsencrypt email — to the http port, else to the first https map's. caddy makes
 * one site, only for an app with domains: https with a letsencrypt email, else http.
 */
export function proxyRoutes(ports: PortMap[], vhost: AppFacts['vhost']): ProxyRoutes {
  if (!vhost.enabled) return {};
  const on = (scheme: string, host?: number): number | undefined => ports.find((m) => m.scheme === scheme && (host === undefined || m.host === host))?.container;
  const http = on('http', 80) ?? on('http');
  const https = on('https', 443) ?? (vhost.letsencrypt ? http : on('https'));
  const caddyPort = vhost.letsencrypt && https !== undefined ? https : http;
  return { http, https, caddy: vhost.domains.length > 0 ? caddyPort : undefined };
}

/** parseScale reads ps's `proc=count` lines (plugins/ps/functions.go); web defaults to 1 as Dokku's does. */
export function parseScale(lines: string[]): Record<string, number> {
  const scale: Record<string, number> = {};
  for (const line of lines) {
    const [proc, count] = line.trim().split('=');
    if (proc && /^\d+$/.test(count ?? '')) scale[proc] = Number(count);
  }
  if (scale.web === undefined) scale.web = 1;
  return scale;
}

/** isListed tells whether a process type is in one of Dokku's lists (`_all_` or a comma list, plugins/checks/functions). */
export const isListed = (list: string, proc: string): boolean => list === '_all_' || list.split(',').map((p) => p.trim()).includes(proc);
