// Effects: the facts plans are made from, read off the host once per command or hook. Other plugins' settings are read
// from Dokku's property store (one file per key; Dokku 0.38's layout, docs/dokku-facts.md): reading files keeps a
// command over hundreds of apps free of a Dokku call per app. Changes to them always go through Dokku's commands.
import { existsSync, readFileSync } from 'fs';
import { networkInterfaces } from 'os';
import { join } from 'path';
import { listeningSockets, type Socket } from './diagnose';
import { inspectEngine, type EngineFacts } from './docker';
import { AppNotFoundError } from './errors';
import { dokku, plugnTrigger } from './exec';
import { isListed, parseScale, portMaps, webPort, type AppFacts, type HostFacts, type PortInputs } from './model';
import { DEFAULT_SCOPE, type DockerOptions } from './options';
import { GLOBAL, PHASES, type Phase } from './properties';
import { proxyKind } from './proxies';
import { ownsMap, userMap, type RedeployRecord } from './redeploy';
import { checkAppName, dokkuRoot, isDir, libRoot, listDir, readRecord, readSettings, readText, targetDataDir } from './store';

const read = (plugin: string, target: string, key: string): string | undefined => readText(join(libRoot(), 'config', plugin, target, key))?.replace(/\n$/, '');
// Global values are the same for every app of one snapshot.
const globals = new Map<string, string | undefined>();
const globalValue = (plugin: string, key: string): string | undefined => {
  const name = `${plugin}/${key}`;
  if (!globals.has(name)) globals.set(name, read(plugin, GLOBAL, key));
  return globals.get(name);
};

/** property reads another plugin's stored value for an app, else its global value (the `computed` value of its report). */
function property(plugin: string, app: string, key: string, withGlobal = true): string {
  return read(plugin, app, key) || (withGlobal ? globalValue(plugin, key) : undefined) || '';
}

const listProperty = (plugin: string, app: string, key: string): string[] => property(plugin, app, key, false).split('\n').filter((l) => l.trim() !== '');

/** verifyApp mirrors Dokku's verify_app_name: a valid name with an app directory, else exit 20. */
export function verifyApp(app: string): void {
  checkAppName(app);
  if (!isDir(join(dokkuRoot(), app))) throw new AppNotFoundError(app);
}

/** allApps mirrors Dokku's app listing: directories of DOKKU_ROOT not starting with a dot or an upper-case letter. */
export const allApps = (): string[] =>
  listDir(dokkuRoot())
    .filter((name) => !/^[.A-Z]/.test(name) && isDir(join(dokkuRoot(), name)))
    .sort();

/**
 * visibleApps are the apps the caller may see: Dokku filters its app list through the user-auth-app trigger when a plugin
 * (dokku-acl) provides one (plugins/common/functions.go, filterApps).
 */
export async function visibleApps(): Promise<string[]> {
  const apps = allApps();
  const enabled = process.env.PLUGIN_ENABLED_PATH || join(libRoot(), 'plugins', 'enabled');
  if (!listDir(enabled).some((plugin) => readText(join(enabled, plugin, 'user-auth-app')) !== undefined) || apps.length === 0) return apps;
  const user = process.env.SSH_USER || process.env.USER || '';
  const name = process.env.SSH_NAME || process.env.NAME || 'default';
  const result = await plugnTrigger('user-auth-app', [user, name, ...apps]);
  const allowed = new Set(result.stdout.split('\n').map((line) => line.trim()));
  return apps.filter((app) => allowed.has(app));
}

/** dockerOptions reads every scope of an app's docker-options store (config/docker-options/<app>/<scope>.<phase>). */
function dockerOptions(app: string): DockerOptions {
  const options: DockerOptions = {};
  const dir = join(libRoot(), 'config', 'docker-options', app);
  for (const name of listDir(dir)) {
    const [scope, phase] = [name.slice(0, name.lastIndexOf('.')), name.slice(name.lastIndexOf('.') + 1)];
    if (!scope || !(PHASES as readonly string[]).includes(phase)) continue;
    const entries = (readText(join(dir, name)) ?? '').split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
    (options[scope] ??= {})[phase as Phase] = entries;
  }
  options[DEFAULT_SCOPE] ??= {};
  return options;
}

/** PortStore is what Dokku's ports plugin reads to answer `ports-get` for an app, with its stored map as lines. */
export type PortStore = Omit<PortInputs, 'map'> & { stored: string[] };

/** proxyOf is the app's proxy type, and whether that proxy forces a certificate (a letsencrypt email: its certs-force). */
function proxyOf(app: string): { proxyType: string; letsencrypt: boolean } {
  const proxyType = property('proxy', app, 'type') || 'nginx';
  return { proxyType, letsencrypt: ['caddy', 'traefik', 'haproxy', 'openresty'].includes(proxyType) && Boolean(globalValue(proxyType, 'letsencrypt-email')) };
}

/** portStore reads the ports and proxy properties `ports-get` answers from (plugins/ports/functions.go). */
export function portStore(app: string): PortStore {
  const { letsencrypt } = proxyOf(app);
  return {
    stored: listProperty('ports', app, 'map'),
    detected: listProperty('ports', app, 'map-detected'),
    proxyPort: Number(property('proxy', app, 'proxy-port')) || 0,
    proxySslPort: Number(property('proxy', app, 'proxy-ssl-port')) || 0,
    certExists: certExists(app) || letsencrypt,
  };
}

/** readRedeploy reads the plugin's record of an app's redeploys (redeploy.ts); a damaged one counts as none. */
export function readRedeploy(app: string): RedeployRecord | undefined {
  try {
    const record = JSON.parse(readText(join(targetDataDir(app), 'redeploy')) ?? 'null') as RedeployRecord | null;
    return record && typeof record.base === 'number' && Array.isArray(record.written) && Array.isArray(record.before) ? record : undefined;
  } catch {
    return undefined;
  }
}

/** appFacts reads everything the plans need about one app. */
export function appFacts(app: string): AppFacts {
  const { proxyType, letsencrypt } = proxyOf(app);
  const { stored, ...inputs } = portStore(app);
  const redeploy = readRedeploy(app);
  return {
    app,
    settings: readSettings(app),
    options: dockerOptions(app),
    network: {
      initialNetwork: property('network', app, 'initial-network'),
      attachPostCreate: property('network', app, 'attach-post-create'),
      attachPostDeploy: property('network', app, 'attach-post-deploy'),
    },
    scale: parseScale(listProperty('ps', app, 'scale')),
    ports: portMaps({ ...inputs, map: stored }),
    basePort: webPort({ ports: portMaps({ ...inputs, map: userMap(stored, redeploy) }) }),
    redeploy,
    portsMoved: ownsMap(stored, redeploy),
    // filled by snapshot for the apps whose label proxy gets the plugin's labels (askVhost)
    vhost: { enabled: false, domains: [], letsencrypt },
    scheduler: property('scheduler', app, 'selected') || 'docker-local',
    builder: property('builder', app, 'selected') || property('builder', app, 'detected', false),
    proxyType,
    proxyEnabled: property('proxy', app, 'disabled', false) !== 'true',
    checksDisabled: isListed(property('checks', app, 'disabled', false), 'web'),
    traefikLabels: readRecord(join(libRoot(), 'config', 'traefik', app, 'labels')),
    ownLabels: readRecord(join(targetDataDir(app), 'labels')),
    derived: isDir(join(targetDataDir(app), 'args')),
  };
}

/**
 * certExists is the certs plugin's certs-exists (is_ssl_enabled, plugins/certs/functions): the app's tls directory holds
 * server.crt and server.key. The proxies' certs-force (a letsencrypt email of the app's caddy, traefik, haproxy or
 * openresty, plugins/*-vhosts/certs-force) is the other half of ports' doesCertExist, read in appFacts.
 */
const certExists = (app: string): boolean => ['server.crt', 'server.key'].every((name) => existsSync(join(dokkuRoot(), app, 'tls', name)));

/**
 * askVhost asks the domains plugin what a label proxy routes on (domains-vhost-enabled, domains-list: caddy-vhosts and
 * traefik-vhosts ask the same) for one app. Only apps whose caddy or traefik may get the plugin's labels are asked, so
 * other apps cost no Dokku call.
 */
async function askVhost(facts: AppFacts): Promise<void> {
  const enabled = (await plugnTrigger('domains-vhost-enabled', [facts.app])).exitCode === 0;
  const domains = enabled ? (await plugnTrigger('domains-list', [facts.app])).stdout.split(/\s+/).filter(Boolean) : [];
  facts.vhost = { ...facts.vhost, enabled, domains };
}

/** hostListeners are the TCP sockets listening on the host (/proc/net/tcp and tcp6). */
export function hostListeners(): Socket[] {
  const read = (file: string): string => readText(file) ?? '';
  return [...listeningSockets(read('/proc/net/tcp'), false), ...listeningSockets(read('/proc/net/tcp6'), true)];
}

/**
 * dokkuInDocker tells whether Dokku itself runs in a container: the dokku/dokku image sets DOKKU_INIT_SYSTEM=sv and its
 * documented setup passes DOKKU_HOST_ROOT, the host's path of DOKKU_ROOT (docker/etc/my_init.d/10_dokku_init,
 * docs/getting-started/install/docker.md).
 */
const dokkuInDocker = (): boolean =>
  process.env.DOKKU_INIT_SYSTEM === 'sv' || Boolean(process.env.DOKKU_HOST_ROOT && process.env.DOKKU_HOST_ROOT !== dokkuRoot());

/** k3sServer finds the node Dokku runs on: the cluster's node that was not joined from elsewhere (no remote host). */
async function k3sServer(): Promise<HostFacts['k3s']> {
  const iface = property('scheduler-k3s', GLOBAL, 'network-interface') || 'eth0';
  const serverAddress = networkInterfaces()[iface]?.find((a) => a.family === 'IPv4')?.address;
  const result = await dokku(['scheduler-k3s:cluster-list', '--format', 'json']);
  if (result.exitCode !== 0) return { serverAddress, error: result.stderr.trim() || `scheduler-k3s:cluster-list exited ${result.exitCode}` };
  try {
    // Dokku marshals its Node struct without json tags (plugins/scheduler-k3s/functions.go): the keys are Go's names.
    const nodes = JSON.parse(result.stdout) as { Name?: string; RemoteHost?: string; Roles?: string[]; Ready?: boolean }[];
    const server = nodes.find((n) => !n.RemoteHost && (n.Roles ?? []).some((r) => r === 'control-plane' || r === 'master'));
    const serverNode = server?.Name;
    const ready = nodes.filter((n) => n.Ready).length;
    return serverNode ? { serverNode, serverAddress, nodes: ready } : { serverAddress, nodes: ready, error: 'no server node in scheduler-k3s:cluster-list' };
  } catch {
    return { serverAddress, error: 'scheduler-k3s:cluster-list printed no JSON' };
  }
}

export interface Wanted {
  /** apps limits the apps whose facts are read (a report of one app); every app by default (checks look across apps). */
  apps?: string[];
  /** bridge: ask Docker what host-gateway resolves to (and, with containers, about those containers). */
  bridge?: boolean;
  containers?: string[];
  listeners?: boolean;
  k3s?: boolean;
  /** vhost names the apps whose routes plans are made for: those with caddy or traefik are asked (askVhost). */
  vhost?: string[];
  /** own names apps whose web containers are asked about (hostNetworkRunning), with the other containers' call. */
  own?: string[];
}

export interface Snapshot {
  host: HostFacts;
  engine?: EngineFacts;
}

/** snapshot reads the host facts once, plus what the caller wants. */
export async function snapshot(wanted: Wanted = {}): Promise<Snapshot> {
  globals.clear();
  const apps = new Map((wanted.apps ?? allApps()).map((app) => [app, appFacts(app)]));
  const global = readSettings(GLOBAL);
  const asked = (wanted.vhost ?? []).flatMap((app) => apps.get(app) ?? []).filter((f) => proxyKind(f.proxyType) === 'label' && f.proxyEnabled && f.scheduler !== 'k3s');
  await Promise.all(asked.map(askVhost));
  const own = new Map((wanted.own ?? []).filter((app) => apps.has(app)).map((app) => [app, appContainerIds(app, 'web')]));
  const ids = [...(wanted.containers ?? []), ...[...own.values()].flat()];
  const engine = wanted.bridge || ids.length ? await inspectEngine(ids) : undefined;
  for (const [app, webIds] of own) {
    apps.get(app)!.hostNetworkRunning = webIds.some((id) => engine?.containers.get(id)?.running && engine.containers.get(id)?.networkMode === 'host');
  }
  const anyK3s = [...apps.values()].some((f) => f.scheduler === 'k3s');
  const host: HostFacts = {
    global,
    apps,
    listeners: wanted.listeners ? hostListeners() : [],
    dokkuInDocker: dokkuInDocker(),
    bridge: engine?.bridge,
    k3s: wanted.k3s && anyK3s ? await k3sServer() : undefined,
  };
  return { host, engine };
}

/** appContainers reads the containers the docker-local scheduler records ($DOKKU_ROOT/APP/CONTAINER.<proc>.<n>), with their process type. */
export function appContainers(app: string, proc?: string): { proc: string; id: string }[] {
  const dir = join(dokkuRoot(), app);
  return listDir(dir)
    .filter((name) => name.startsWith(proc ? `CONTAINER.${proc}.` : 'CONTAINER.'))
    .map((name) => {
      const type = name.slice('CONTAINER.'.length, name.lastIndexOf('.'));
      try {
        return { proc: type, id: readFileSync(join(dir, name), 'utf8').trim() };
      } catch {
        return { proc: type, id: '' };
      }
    })
    .filter(({ id }) => /^[0-9a-f]{12,64}$/.test(id));
}

/** appContainerIds are the IDs of appContainers. */
export const appContainerIds = (app: string, proc?: string): string[] => appContainers(app, proc).map(({ id }) => id);

/** isDeployed asks ps:report, which knows Dokku's own notion of "deployed" (scheduler-aware, cached). */
export async function isDeployed(app: string): Promise<boolean> {
  const result = await dokku(['ps:report', app, '--deployed']);
  return result.exitCode === 0 && result.stdout.trim() === 'true';
}

/** stopTimeout is the app's ps stop-timeout-seconds (Dokku passes it to docker stop as -t). */
export async function stopTimeout(app: string): Promise<number | undefined> {
  const result = await plugnTrigger('ps-get-property', [app, 'stop-timeout-seconds']);
  const value = result.stdout.trim();
  return /^\d+$/.test(value) ? Number(value) : undefined;
}
