// Pure: the facts every plan is made from, read once per command or hook (gather.ts reads them off the host).
import type { BridgeAddress } from './bridge';
import type { Socket } from './diagnose';
import type { DockerOptions } from './options';
import type { Settings } from './properties';

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
  /** ports are the port maps Dokku will use (ports:set, else the ones detected at the last build); none before that. */
  ports: PortMap[];
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

/** hasHttps tells whether the app has an https port map (traefik-vhosts then adds an https router). */
export const hasHttps = (facts: Pick<AppFacts, 'ports'>): boolean => facts.ports.some((p) => p.scheme === 'https');

/** parsePortMaps reads Dokku's `scheme:host:container` port maps (plugins/ports), skipping anything malformed. */
export function parsePortMaps(lines: string[]): PortMap[] {
  return lines.flatMap((line) => {
    const [scheme, host, container] = line.trim().split(':');
    if (!scheme || !/^\d+$/.test(host ?? '') || !/^\d+$/.test(container ?? '')) return [];
    return [{ scheme, host: Number(host), container: Number(container) }];
  });
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
