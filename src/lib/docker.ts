// Effects: what the plugin reads from the Docker engine. One `docker inspect` answers both questions a report has.
import { docker } from './exec';
import type { ContainerNetwork } from './report';

export interface EngineFacts {
  bridgeGateway?: string;
  containers: Map<string, ContainerNetwork>;
}

interface Inspected {
  Id?: string;
  IPAM?: { Config?: { Gateway?: string }[] };
  HostConfig?: { NetworkMode?: string; ExtraHosts?: string[] | null };
  State?: { Running?: boolean };
}

/**
 * inspectEngine asks Docker, in one call, for the default bridge's gateway and the network settings of the given
 * containers. Containers that no longer exist are simply absent (docker prints them on stderr and exits 1).
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
      facts.bridgeGateway = item.IPAM.Config?.map((c) => c.Gateway).find((g) => g && !g.includes(':'));
    } else if (item.Id && item.HostConfig) {
      facts.containers.set(item.Id, {
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
