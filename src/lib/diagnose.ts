// Pure: network-host:check's reasoning. Who listens on the host, what a probe from the app's container saw, and the fix.
import { PHASES, selectsProcess, type Config } from './properties';

export type Listener = 'all' | 'bridge' | 'loopback' | 'other' | 'none';
export type Probe = 'connected' | 'noresolve' | 'refused' | 'timeout' | 'notool' | 'noimage' | 'error';

export interface Socket {
  address: string;
  port: number;
}

// /proc/net/tcp{,6}: "sl local_address rem_address st ..."; addresses are hex in host byte order per 32-bit word.
const LISTEN = '0A';

function hexToIPv4(hex: string): string {
  return [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join('.');
}

function hexToIPv6(hex: string): string {
  const bytes: number[] = [];
  for (let word = 0; word < 4; word++) {
    const part = hex.slice(word * 8, word * 8 + 8);
    for (let i = 6; i >= 0; i -= 2) bytes.push(parseInt(part.slice(i, i + 2), 16));
  }
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  const text = groups.join(':');
  if (text === '0:0:0:0:0:0:0:0') return '::';
  if (text === '0:0:0:0:0:0:0:1') return '::1';
  const mapped = /^0:0:0:0:0:ffff:([0-9a-f]+):([0-9a-f]+)$/.exec(text);
  if (mapped) return hexToIPv4(hex.slice(24));
  return text;
}

/** listeningSockets parses /proc/net/tcp (v6 = false) or /proc/net/tcp6 and returns the sockets in LISTEN state. */
export function listeningSockets(text: string, v6: boolean): Socket[] {
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols[3] === LISTEN && cols[1])
    .map((cols) => {
      const [addr, port] = cols[1]!.split(':') as [string, string];
      return { address: v6 ? hexToIPv6(addr) : hexToIPv4(addr), port: parseInt(port, 16) };
    });
}

/** classifyListener says who can reach a port: every interface, the bridge address, loopback only, or nobody. */
export function classifyListener(sockets: Socket[], port: number, bridgeIp?: string): Listener {
  const on = sockets.filter((s) => s.port === port).map((s) => s.address);
  if (on.length === 0) return 'none';
  if (on.some((a) => a === '0.0.0.0' || a === '::')) return 'all';
  if (bridgeIp && on.includes(bridgeIp)) return 'bridge';
  if (on.every((a) => a.startsWith('127.') || a === '::1')) return 'loopback';
  return 'other';
}

/**
 * PROBE_SCRIPT runs inside the app's image (`sh -c PROBE_SCRIPT probe HOST PORT`) and tries one TCP connection with
 * whatever the image has: bash's /dev/tcp, nc, python3, perl or node. Every attempt is bounded by `timeout` when the
 * image has it. It prints RESULT=<connected|noresolve|refused|timeout|notool|error> and the tool's message.
 */
export const PROBE_SCRIPT = `
h=$1 p=$2
t() { if command -v timeout >/dev/null 2>&1; then timeout 6 "$@"; else "$@"; fi; }
case $h in
  127.0.0.1) a=$h ;;
  *) a=
     while read -r ip names; do
       case $ip in '#'* | '') continue ;; esac
       for n in $names; do [ "$n" = "$h" ] && { a=$ip; break 2; }; done
     done </etc/hosts
     [ -n "$a" ] || { echo RESULT=noresolve; exit 0; } ;;
esac
echo "ADDRESS=$a"
if command -v bash >/dev/null 2>&1; then m=$(t bash -c "exec 3<>/dev/tcp/$a/$p" 2>&1); c=$?
elif command -v nc >/dev/null 2>&1; then m=$(t nc -w 5 "$a" "$p" </dev/null 2>&1); c=$?
elif command -v python3 >/dev/null 2>&1; then m=$(t python3 -c "import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 5)" "$a" "$p" 2>&1); c=$?
elif command -v perl >/dev/null 2>&1; then m=$(t perl -MIO::Socket::INET -e '$s=IO::Socket::INET->new(PeerAddr=>$ARGV[0],PeerPort=>$ARGV[1],Timeout=>5) or die "$!\\n"' "$a" "$p" 2>&1); c=$?
elif command -v node >/dev/null 2>&1; then m=$(t node -e 'const s=require("net").connect(+process.argv[2],process.argv[1],()=>process.exit(0));s.setTimeout(5000,()=>{console.error("timed out");process.exit(1)});s.on("error",e=>{console.error(e.message);process.exit(1)})' "$a" "$p" 2>&1); c=$?
else echo RESULT=notool; exit 0; fi
echo "MESSAGE=$(echo "$m" | tr '\\n' ' ')"
case "$c:$m" in
  0:*) echo RESULT=connected ;;
  124:* | 143:* | *imed\\ out* | *imeout*) echo RESULT=timeout ;;
  *efused*) echo RESULT=refused ;;
  *) echo RESULT=error ;;
esac
`;

export interface ProbeOutcome {
  result: Probe;
  address?: string;
  message?: string;
}

/** parseProbe reads PROBE_SCRIPT's output. */
export function parseProbe(output: string): ProbeOutcome {
  const field = (name: string): string | undefined => new RegExp(`^${name}=(.*)$`, 'm').exec(output)?.[1]?.trim();
  const result = field('RESULT') as Probe | undefined;
  return { result: result ?? 'error', address: field('ADDRESS'), message: field('MESSAGE') || undefined };
}

// Service-specific advice for a service that listens on loopback only, by well-known port.
const SERVICE_HINTS: Record<number, (subnet: string, bridge: string) => string> = {
  5432: (subnet, bridge) =>
    `PostgreSQL: set listen_addresses = 'localhost,${bridge}' in postgresql.conf and add "host all all ${subnet} scram-sha-256" to pg_hba.conf, then restart it`,
  6379: (_subnet, bridge) => `Redis: set "bind 127.0.0.1 ${bridge}" in redis.conf (keep protected-mode on and set requirepass), then restart it`,
  3306: (_subnet, bridge) => `MySQL/MariaDB: set bind-address = ${bridge} (or 0.0.0.0) in the [mysqld] section, then restart it`,
};

export interface PortVerdict {
  port: number;
  target: string;
  listener: Listener;
  probe: ProbeOutcome;
  reachable: boolean;
  reason: string;
  fix: string;
}

export interface VerdictInput {
  app: string;
  config: Config;
  port: number;
  listener: Listener;
  /** listening are the host addresses that listen on the port (the sockets listener was classified from). */
  listening: string[];
  probe: ProbeOutcome;
  bridgeIp: string;
  bridgeSubnet: string;
}

/** probeTarget is where the app reaches the host: loopback in host mode, the first alias otherwise. */
export const probeTarget = (config: Config): string => (config.mode === 'host' ? '127.0.0.1' : config.aliases[0]!);

export type ProbePhase = 'deploy' | 'run' | 'none';

/**
 * probePhase is whose arguments the probe container gets: the deployed web containers' (the deploy phase, which Dokku's
 * plugins/scheduler-docker-local/bin/scheduler-deploy-process asks for with the process type), dokku run's when deploy is
 * not selected, or none (mode off, or neither phase selected).
 */
export function probePhase(config: Config): ProbePhase {
  if (config.mode === 'off') return 'none';
  if (config.phases.includes('deploy')) return 'deploy';
  return config.phases.includes('run') ? 'run' : 'none';
}

/** probeDescription is the check's Probe line: which container the probe stands for. */
export function probeDescription(config: Config): string {
  const phase = probePhase(config);
  if (phase === 'deploy' && !selectsProcess(config, 'web')) {
    return `a container with ${config.processes[0]}'s deploy-phase arguments (what its deployed containers get; web gets none, processes being ${config.processes.join(',')})`;
  }
  if (phase === 'deploy') return "a container with web's deploy-phase arguments (what the deployed web containers get)";
  if (phase === 'run') return 'a container with the run-phase arguments (what dokku run gets; the deploy phase is not selected)';
  return `a container without network-host arguments (${config.mode === 'off' ? 'the mode is off' : 'neither the deploy nor the run phase is selected'})`;
}

/** verdict explains one port: reachable or not, why, and the fix. */
export function verdict({ app, config, port, listener, listening, probe, bridgeIp, bridgeSubnet }: VerdictInput): PortVerdict {
  const target = probeTarget(config);
  const base = { port, target, listener, probe };
  const says = (reachable: boolean, reason: string, fix = ''): PortVerdict => ({ ...base, reachable, reason, fix });
  if (probe.result === 'connected') return says(true, `${target}:${port} answers from inside the app`);
  if (config.mode === 'off') {
    return says(false, `the mode is off, so the app has no ${target} alias and no host network`, `dokku network-host:gateway ${app} (or network-host:enable ${app})`);
  }
  // Without the deploy and run phases the probe had no arguments: no alias in gateway mode; in host mode it ran on the
  // bridge, where 127.0.0.1 is the probe itself, so what it saw says nothing about the service.
  if (probePhase(config) === 'none' && probe.result !== 'noimage' && (config.mode === 'host' || probe.result === 'noresolve')) {
    const why = config.mode === 'host' ? `the probe container ran on the bridge, where ${target} is the container itself` : `the probe container had no ${target} alias`;
    const phases = PHASES.filter((phase) => phase === 'deploy' || config.phases.includes(phase));
    return says(false, `neither the deploy nor the run phase is selected, so ${why}`, `dokku network-host:set ${app} phases ${phases.join(',')}`);
  }
  if (probe.result === 'noresolve') return says(false, `${target} does not resolve inside the container`, `dokku network-host:gateway ${app} --alias ${target}`);
  if (listener === 'none') return says(false, `nothing listens on port ${port} on the host`, `start the service, or check that it uses port ${port}`);
  if (config.mode === 'gateway' && listener === 'loopback') {
    const hint = SERVICE_HINTS[port]?.(bridgeSubnet, bridgeIp) ?? `make the service listen on ${bridgeIp} (the docker0 address) or on all interfaces`;
    return says(false, `the service on port ${port} listens on 127.0.0.1 only, which containers cannot reach through the gateway`, `${hint}; or use host networking: dokku network-host:enable ${app}`);
  }
  if (probe.result === 'timeout') {
    const rule = `iptables -I INPUT -i docker0 -s ${bridgeSubnet} -p tcp --dport ${port} -j ACCEPT (ufw: ufw allow in on docker0 from ${bridgeSubnet} to any port ${port} proto tcp)`;
    return says(false, `the connection to ${target}:${port} timed out: a firewall drops traffic from the containers`, `allow the Docker subnet to that port only: ${rule}`);
  }
  if (probe.result === 'refused' && config.mode === 'host' && (listener === 'all' || listening.includes('127.0.0.1'))) {
    // The host shows a socket that takes 127.0.0.1: the refusal came from the service (or it stopped since), not its address.
    return says(
      false,
      `${target}:${port} refused the connection, although the service listens on ${listener === 'all' ? 'all interfaces' : '127.0.0.1'} on the host`,
      'check that the service still runs and accepts connections from 127.0.0.1, then run the check again',
    );
  }
  if (probe.result === 'refused') return says(false, `${target}:${port} refused the connection: nothing listens on ${probe.address ?? target}`, `make the service listen on ${config.mode === 'host' ? '127.0.0.1 or all interfaces' : bridgeIp}`);
  if (probe.result === 'noimage') return says(false, 'the app has no image yet, so only the host side was checked', `deploy ${app}, then run the check again`);
  if (probe.result === 'notool') return says(false, 'the app image has no tool to open a TCP connection (bash, nc, python3, perl or node)', 'check from the app itself');
  return says(false, `the probe failed: ${probe.message ?? 'unknown error'}`, '');
}
