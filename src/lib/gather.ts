// Effects: the facts plans are made from, read off the host once per command or hook. Other plugins' settings are read
// from Dokku's property store (one file per key; Dokku 0.38's layout, docs/dokku-facts.md): reading files keeps a
// command over hundreds of apps free of a Dokku call per app. Changes to them always go through Dokku's commands.
import { readFileSync } from 'fs';
import { networkInterfaces } from 'os';
import { join } from 'path';
import { listeningSockets, type Socket } from './diagnose';
import { inspectEngine, type EngineFacts } from './docker';
import { AppNotFoundError } from './errors';
import { dokku, plugnTrigger } from './exec';
import { isListed, parsePortMaps, parseScale, type AppFacts, type HostFacts } from './model';
import { DEFAULT_SCOPE, type DockerOptions } from './options';
import { GLOBAL, PHASES, type Phase } from './properties';
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

/** appFacts reads everything the plans need about one app. */
export function appFacts(app: string): AppFacts {
  const map = listProperty('ports', app, 'map');
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
    ports: parsePortMaps(map.length ? map : listProperty('ports', app, 'map-detected')),
    scheduler: property('scheduler', app, 'selected') || 'docker-local',
    builder: property('builder', app, 'selected') || property('builder', app, 'detected', false),
    proxyType: property('proxy', app, 'type') || 'nginx',
    proxyEnabled: property('proxy', app, 'disabled', false) !== 'true',
    checksDisabled: isListed(property('checks', app, 'disabled', false), 'web'),
    traefikLabels: readRecord(join(libRoot(), 'config', 'traefik', app, 'labels')),
    ownLabels: readRecord(join(targetDataDir(app), 'labels')),
    derived: isDir(join(targetDataDir(app), 'args')),
  };
}

/** hostListeners are the TCP sockets listening on the host (/proc/net/tcp and tcp6). */
function hostListeners(): Socket[] {
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
}

export interface Snapshot {
  host: HostFacts;
  engine?: EngineFacts;
}

/** snapshot reads the host facts once, plus what the caller wants. */
export async function snapshot(wanted: Wanted = {}): Promise<Snapshot> {
  globals.clear();
  const apps = new Map((wanted.apps ?? allApps()).map((app) => [app, appFacts(app)]));
  const engine = wanted.bridge || wanted.containers?.length ? await inspectEngine(wanted.containers ?? []) : undefined;
  const anyK3s = [...apps.values()].some((f) => f.scheduler === 'k3s');
  const host: HostFacts = {
    global: readSettings(GLOBAL),
    apps,
    listeners: wanted.listeners ? hostListeners() : [],
    dokkuInDocker: dokkuInDocker(),
    bridge: engine?.bridge,
    k3s: wanted.k3s && anyK3s ? await k3sServer() : undefined,
  };
  return { host, engine };
}

/** appContainerIds reads the container IDs the docker-local scheduler records ($DOKKU_ROOT/APP/CONTAINER.<proc>.<n>). */
export function appContainerIds(app: string, proc?: string): string[] {
  const dir = join(dokkuRoot(), app);
  return listDir(dir)
    .filter((name) => name.startsWith(proc ? `CONTAINER.${proc}.` : 'CONTAINER.'))
    .map((name) => {
      try {
        return readFileSync(join(dir, name), 'utf8').trim();
      } catch {
        return '';
      }
    })
    .filter((id) => /^[0-9a-f]{12,64}$/.test(id));
}

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
