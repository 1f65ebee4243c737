// Effects: what the plugin reads from the Docker engine. One `docker inspect` answers both questions a report has.
import { docker } from './exec';
import type { ContainerNetwork } from './report';

export interface EngineFacts {
  bridgeGateway?: string;
  bridgeSubnet?: string;
  containers: Map<string, ContainerNetwork>;
}

interface Inspected {
  Id?: string;
  IPAM?: { Config?: { Gateway?: string; Subnet?: string }[] };
  HostConfig?: { NetworkMode?: string; ExtraHosts?: string[] | null };
  State?: { Running?: boolean };
}

/**
 * inspectEngine asks Docker, in one call, for the default bridge's gateway and the network settings of the given
 * containers, keyed by the ID asked for. Containers that no longer exist are absent (docker prints them on stderr).
 */
export async function inspectEngine(containerIds: string[], withBridge: boolean): Promise<EngineFacts> {
  const facts: EngineFacts = { containers: new Map() };
  const targets = [...(withBridge ? ['bridge'] : []), ...containerIds];
  if (targets.length === 0) return facts;
  const result = await docker(['inspect', ...targets]);
  let items: Inspected[] = [];
  try {
    items = JSON.parse(result.stdout || '[]') as Inspected[];
  } catch {
    items = [];
  }
  if (items.length === 0 && result.exitCode !== 0 && !/No such object/i.test(result.stderr)) {
    throw new Error(`Unable to inspect Docker: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
  }
  for (const item of items) {
    if (item.IPAM) {
      const v4 = item.IPAM.Config?.find((c) => c.Gateway && !c.Gateway.includes(':'));
      facts.bridgeGateway = v4?.Gateway;
      facts.bridgeSubnet = v4?.Subnet;
    } else if (item.Id && item.HostConfig) {
      const asked = containerIds.find((id) => item.Id!.startsWith(id)) ?? item.Id;
      facts.containers.set(asked, {
        networkMode: item.HostConfig.NetworkMode ?? '',
        extraHosts: item.HostConfig.ExtraHosts ?? [],
        running: item.State?.Running ?? false,
      });
    }
  }
  return facts;
}

/** bridgeGateway is the default bridge's gateway address as the daemon reports it, or undefined when Docker can't tell. */
export async function bridgeGateway(): Promise<string | undefined> {
  try {
    return (await inspectEngine([], true)).bridgeGateway;
  } catch {
    return undefined;
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
