// Pure: the address Docker gives `host-gateway`, from facts read off the daemon (docs/bridge-address.md).
import { isIPv4 } from 'net';

export interface BridgeFacts {
  /** hostGatewayIps are the daemon's `host-gateway-ip(s)` settings (daemon.json or dockerd flags), in order. */
  hostGatewayIps: string[];
  /** network is `docker network inspect bridge`; undefined when the daemon has no default bridge. */
  network?: { ipam: { Subnet?: string; Gateway?: string }[]; interfaceName?: string };
  /** interfaceAddresses are the IPv4 addresses of each host interface. */
  interfaceAddresses: Record<string, string[]>;
}

export type BridgeAddress = { address: string; source: string; error?: undefined } | { address?: undefined; error: string };

const toNumber = (ip: string): number => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);

/** inSubnet tells whether an IPv4 address lies in an IPv4 CIDR subnet. */
export function inSubnet(ip: string, subnet: string): boolean {
  const [base = '', bits = '32'] = subnet.split('/');
  if (!isIPv4(ip) || !isIPv4(base)) return false;
  const size = 2 ** (32 - Number(bits));
  return Math.floor(toNumber(ip) / size) === Math.floor(toNumber(base) / size);
}

/**
 * resolveBridgeAddress is what Docker maps `host-gateway` to: the daemon's host-gateway-ip when set, else the default
 * bridge's IPv4 address — its IPAM gateway when listed (a daemon that found docker0 already there), else the address of
 * the bridge interface itself (a daemon that created docker0, i.e. the first start after a boot, lists only the subnet).
 */
export function resolveBridgeAddress(facts: BridgeFacts): BridgeAddress {
  const configured = facts.hostGatewayIps.find((ip) => isIPv4(ip));
  if (configured) return { address: configured, source: 'the daemon setting host-gateway-ip' };
  if (!facts.network) return { error: 'Docker has no default bridge network' };
  const v4 = facts.network.ipam.filter((entry) => entry.Subnet && isIPv4(entry.Subnet.split('/')[0]!));
  const listed = v4.find((entry) => entry.Gateway && isIPv4(entry.Gateway));
  if (listed) return { address: listed.Gateway!, source: 'the bridge network gateway' };
  const name = facts.network.interfaceName || 'docker0';
  const addresses = (facts.interfaceAddresses[name] ?? []).filter((ip) => isIPv4(ip));
  const inside = addresses.find((ip) => v4.some((entry) => inSubnet(ip, entry.Subnet!))) ?? addresses[0];
  if (inside) return { address: inside, source: `the address of the ${name} interface` };
  return { error: `the bridge network lists no IPv4 gateway and the ${name} interface has no IPv4 address` };
}

/** bridgeSubnet is the default bridge's IPv4 subnet (firewall advice), when Docker lists one. */
export const bridgeSubnet = (facts: BridgeFacts): string | undefined =>
  facts.network?.ipam.find((entry) => entry.Subnet && isIPv4(entry.Subnet.split('/')[0]!))?.Subnet;

/** hostGatewaySettings reads `host-gateway-ip`/`host-gateway-ips` from a daemon.json text and a dockerd command line. */
export function hostGatewaySettings(daemonJson: string | undefined, cmdline: string[]): string[] {
  const found: string[] = [];
  if (daemonJson) {
    try {
      const parsed = JSON.parse(daemonJson) as Record<string, unknown>;
      for (const key of ['host-gateway-ip', 'host-gateway-ips']) {
        const value = parsed[key];
        if (typeof value === 'string') found.push(value);
        else if (Array.isArray(value)) found.push(...value.filter((v): v is string => typeof v === 'string'));
      }
    } catch {
      // an unreadable daemon.json stops dockerd from starting at all; nothing to add
    }
  }
  cmdline.forEach((arg, i) => {
    const [name, inline] = arg.split(/=(.*)/s, 2);
    if (name === '--host-gateway-ip' || name === '--host-gateway-ips') {
      const value = inline ?? cmdline[i + 1];
      if (value) found.push(value);
    }
  });
  return found;
}

/** daemonConfigPath is the daemon.json dockerd reads: its --config-file flag, else the default. */
export function daemonConfigPath(cmdline: string[]): string {
  const at = cmdline.findIndex((arg) => arg === '--config-file' || arg.startsWith('--config-file='));
  if (at === -1) return '/etc/docker/daemon.json';
  return cmdline[at]!.includes('=') ? cmdline[at]!.split('=', 2)[1]! : (cmdline[at + 1] ?? '/etc/docker/daemon.json');
}
