// Effects: what the plugin reads from, and does with, the Docker engine.
import { networkInterfaces } from 'os';
import { join } from 'path';
import { daemonConfigPath, hostGatewaySettings, resolveBridgeAddress, type BridgeAddress, type BridgeFacts } from './bridge';
import { docker, run } from './exec';
import type { ContainerNetwork } from './report';
import { listDir, readText } from './store';

interface Inspected {
  Id?: string;
  IPAM?: { Config?: { Gateway?: string; Subnet?: string }[] | null };
  Options?: Record<string, string> | null;
  HostConfig?: { NetworkMode?: string; ExtraHosts?: string[] | null };
  State?: { Running?: boolean };
}

/** DaemonProcess is the local dockerd's command line, found in /proc (its pidfile may be anywhere). */
function daemonCommandLine(): string[] {
  for (const pid of listDir('/proc')) {
    if (!/^\d+$/.test(pid) || readText(join('/proc', pid, 'comm'))?.trim() !== 'dockerd') continue;
    return (readText(join('/proc', pid, 'cmdline')) ?? '').split('\0').filter(Boolean);
  }
  return [];
}

/** daemonPidfile is the file dockerd rewrites at every start: the sh entry compares answers that hold the bridge address with it. */
function daemonPidfile(cmdline: string[], daemonJson: string | undefined): string {
  const at = cmdline.findIndex((arg) => arg === '--pidfile' || arg.startsWith('--pidfile=') || arg === '-p');
  if (at !== -1) return cmdline[at]!.includes('=') ? cmdline[at]!.split('=', 2)[1]! : (cmdline[at + 1] ?? '');
  try {
    const configured = (JSON.parse(daemonJson ?? '{}') as { pidfile?: unknown }).pidfile;
    if (typeof configured === 'string') return configured;
  } catch {
    // dockerd refuses an unreadable daemon.json, so the default applies
  }
  return '/var/run/docker.pid';
}

export interface EngineFacts {
  /** error is why Docker did not answer at all (then nothing else is known). */
  error?: string;
  bridge: BridgeAddress;
  bridgeFacts?: BridgeFacts;
  /** pidfile is dockerd's pidfile, when it exists. */
  pidfile?: string;
  containers: Map<string, ContainerNetwork>;
}

/**
 * inspectEngine asks Docker, in one call, about the default bridge and the given containers (keyed by the ID asked for;
 * containers that no longer exist are absent), and resolves the address host-gateway maps to (bridge.ts).
 */
export async function inspectEngine(containerIds: string[]): Promise<EngineFacts> {
  let result;
  try {
    result = await docker(['inspect', 'bridge', ...containerIds]);
  } catch (error) {
    const message = (error as Error).message;
    return { error: message, bridge: { error: message }, containers: new Map() };
  }
  const items = parseInspect(result.stdout);
  const containers = new Map<string, ContainerNetwork>();
  for (const item of items) {
    if (!item.Id || !item.HostConfig) continue;
    const asked = containerIds.find((id) => item.Id!.startsWith(id)) ?? item.Id;
    containers.set(asked, { networkMode: item.HostConfig.NetworkMode ?? '', extraHosts: item.HostConfig.ExtraHosts ?? [], running: item.State?.Running ?? false });
  }
  const network = items.find((item) => item.IPAM);
  if (items.length === 0 && result.exitCode !== 0 && !/No such object/i.test(result.stderr)) {
    const message = `Unable to ask Docker: ${result.stderr.trim() || `exit ${result.exitCode}`}`;
    return { error: message, bridge: { error: message }, containers };
  }
  const cmdline = daemonCommandLine();
  const daemonJson = readText(daemonConfigPath(cmdline));
  const interfaceAddresses = await ipv4Addresses();
  const bridgeFacts: BridgeFacts = {
    hostGatewayIps: hostGatewaySettings(daemonJson, cmdline),
    network: network ? { ipam: network.IPAM?.Config ?? [], interfaceName: network.Options?.['com.docker.network.bridge.name'] } : undefined,
    interfaceAddresses,
  };
  const pidfile = daemonPidfile(cmdline, daemonJson);
  return { bridge: resolveBridgeAddress(bridgeFacts), bridgeFacts, pidfile: readText(pidfile) !== undefined ? pidfile : undefined, containers };
}

/**
 * ipv4Addresses are the IPv4 addresses of every interface. `ip` lists docker0 also while no container runs (it has no
 * carrier then); Node's networkInterfaces() leaves out interfaces that are not running, so it only fills gaps.
 */
async function ipv4Addresses(): Promise<Record<string, string[]>> {
  const addresses: Record<string, string[]> = {};
  const add = (name: string, ip: string): void => {
    if (!(addresses[name] ??= []).includes(ip)) addresses[name]!.push(ip);
  };
  try {
    const result = await run('ip', ['-j', '-4', 'addr', 'show'], { timeoutMs: 10_000 });
    for (const link of JSON.parse(result.stdout || '[]') as { ifname?: string; addr_info?: { local?: string }[] }[]) {
      for (const info of link.addr_info ?? []) if (link.ifname && info.local) add(link.ifname, info.local);
    }
  } catch {
    // no iproute2 (or an old one without -j): what Node sees has to do
  }
  for (const [name, list] of Object.entries(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4') add(name, a.address);
  return addresses;
}

function parseInspect(text: string | undefined): Inspected[] {
  try {
    const parsed = JSON.parse(text || '[]') as unknown;
    return Array.isArray(parsed) ? (parsed as Inspected[]) : [];
  } catch {
    return [];
  }
}

/** engineVersion is the Docker daemon's version, or undefined with the reason when it does not answer. */
export async function engineVersion(): Promise<{ version?: string; error?: string }> {
  try {
    const result = await docker(['version', '--format', '{{.Server.Version}}']);
    if (result.exitCode === 0 && result.stdout.trim()) return { version: result.stdout.trim() };
    return { error: result.stderr.trim() || `exit ${result.exitCode}` };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** containerImage is the image a container runs, or undefined. */
export async function containerImage(id: string): Promise<string | undefined> {
  const result = await docker(['container', 'inspect', '--format', '{{.Config.Image}}', id]);
  return result.exitCode === 0 ? result.stdout.trim() || undefined : undefined;
}

export async function imageExists(image: string): Promise<boolean> {
  return (await docker(['image', 'inspect', '--format', '{{.Id}}', image])).exitCode === 0;
}

/** runProbe starts a short-lived container of the image with the given arguments and runs a shell script in it. */
export async function runProbe(image: string, args: string[], script: string, scriptArgs: string[]): Promise<string> {
  const result = await docker(['container', 'run', '--rm', '--entrypoint=', '--label=com.dokku.network-host.check=true', ...args, image, 'sh', '-c', script, 'probe', ...scriptArgs], {
    timeoutMs: 60_000,
  });
  return `${result.stdout}\n${result.stderr}`;
}

/** containerState is a container's labels and running state, or undefined when Docker does not know it. */
export async function containerState(id: string): Promise<{ app: string; dyno: string; running: boolean } | undefined> {
  const result = await docker(['container', 'inspect', '--format', '{{index .Config.Labels "com.dokku.app-name"}} {{index .Config.Labels "com.dokku.dyno"}} {{.State.Running}}', id]);
  if (result.exitCode !== 0) return undefined;
  const [app = '', dyno = '', running = ''] = result.stdout.trim().split(' ');
  return { app, dyno, running: running === 'true' };
}

/** Running is what the redeploys need to know of a container (redeploy.ts): whether it runs, where, and on which PORT. */
export interface Running {
  id: string;
  running: boolean;
  restarts: number;
  host: boolean;
  image: string;
  /** port is the PORT it was given (Dokku's --env=PORT comes last and wins: plugins/scheduler-docker-local). */
  port?: number;
  app: string;
  proc: string;
  name: string;
}

/** inspectRunning asks Docker about containers in one call; those it does not know are left out. */
export async function inspectRunning(ids: string[]): Promise<Running[]> {
  if (ids.length === 0) return [];
  const result = await docker(['container', 'inspect', ...ids]);
  let list: {
    Id?: string;
    Name?: string;
    Image?: string;
    RestartCount?: number;
    State?: { Running?: boolean };
    HostConfig?: { NetworkMode?: string };
    Config?: { Env?: string[] | null; Labels?: Record<string, string> | null };
  }[];
  try {
    list = JSON.parse(result.stdout || '[]');
  } catch {
    return [];
  }
  return list.map((c) => {
    const env = (c.Config?.Env ?? []).filter((e) => e.startsWith('PORT=')).pop();
    const port = env && /^PORT=\d+$/.test(env) ? Number(env.slice(5)) : undefined;
    return {
      id: c.Id ?? '',
      running: Boolean(c.State?.Running),
      restarts: c.RestartCount ?? 0,
      host: c.HostConfig?.NetworkMode === 'host',
      image: c.Image ?? '',
      port,
      app: c.Config?.Labels?.['com.dokku.app-name'] ?? '',
      proc: c.Config?.Labels?.['com.dokku.process-type'] ?? '',
      name: (c.Name ?? '').replace(/^\//, ''),
    };
  });
}

/** appWebContainers are the IDs of every container Docker has of the app's web process (retiring ones included). */
export async function appWebContainers(app: string): Promise<string[]> {
  const result = await docker(['container', 'ls', '--quiet', '--no-trunc', '--filter', `label=com.dokku.app-name=${app}`, '--filter', 'label=com.dokku.process-type=web']);
  return result.exitCode === 0 ? result.stdout.split('\n').filter(Boolean) : [];
}
