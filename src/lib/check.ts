// network-host:check (issue 5): configuration, the host side from /proc, and a probe from inside the app's image.
import { readFileSync } from 'node:fs';
import type { CheckArgs } from './cli';
import { planPhase } from './plan';
import { loadConfig } from './docker-args';
import { verifyApp } from './dokku';
import { engineVersion, imageExists, inspectEngine, runProbe } from './docker';
import { classifyListener, listeningSockets, parseProbe, PROBE_SCRIPT, probeTarget, verdict, type PortVerdict, type Socket } from './diagnose';
import { dockerOptions, networkSettings, selectedBuilder, selectedScheduler, webPort, webScale } from './facts';
import { info1, info2, verbose } from './log';
import { hostModeFindings } from './safety';

const LISTENER_TEXT = { all: 'all interfaces', bridge: 'the docker0 address', loopback: '127.0.0.1 only', other: 'another address only', none: 'nothing listens' };

function hostSockets(): Socket[] {
  const read = (file: string): string => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };
  return [...listeningSockets(read('/proc/net/tcp'), false), ...listeningSockets(read('/proc/net/tcp6'), true)];
}

const atLeast = (version: string, major: number, minor: number): boolean => {
  const [a = 0, b = 0] = version.split('.').map((n) => parseInt(n, 10));
  return a > major || (a === major && b >= minor);
};


/** commandCheck prints the diagnosis and returns 0 only when every port is reachable and nothing blocks the mode. */
export async function commandCheck({ app, ports, format }: CheckArgs): Promise<number> {
  verifyApp(app);
  const config = loadConfig(app);
  const problems: string[] = [];
  const notes: string[] = [];

  const engine = await engineVersion();
  if (!engine.version) problems.push(`The Docker engine does not answer: ${engine.error}`);
  else if (config.mode === 'gateway' && config.ip === 'host-gateway' && !atLeast(engine.version, 20, 10)) {
    problems.push(`host-gateway needs Docker >= 20.10 (found ${engine.version}): upgrade Docker or set an address with dokku network-host:set ${app} gateway-ip <ip>`);
  }
  const [scheduler, builder] = await Promise.all([selectedScheduler(app), selectedBuilder(app)]);
  if (scheduler && scheduler !== 'docker-local' && config.mode !== 'off') {
    problems.push(`The ${scheduler} scheduler ignores docker options: the ${config.mode} mode has no effect on its containers`);
  }
  const buildWarning = builder ? planPhase(config, 'build', { builder }).warning : undefined;
  if (buildWarning) notes.push(buildWarning);
  if (config.mode === 'host') {
    const [network, scale, port] = await Promise.all([networkSettings(app), webScale(app), webPort(app)]);
    const findings = hostModeFindings({ app, config, options: dockerOptions(app), network, webScale: scale, webPort: port, otherHostApps: [] });
    problems.push(...findings.errors);
    notes.push(...findings.warnings);
  }

  const facts = engine.version ? await inspectEngine([], true) : { bridgeGateway: undefined, bridgeSubnet: undefined };
  const bridgeIp = facts.bridgeGateway ?? '172.17.0.1';
  const bridgeSubnet = facts.bridgeSubnet ?? '172.17.0.0/16';
  const sockets = hostSockets();
  const image = `dokku/${app}:latest`;
  const hasImage = engine.version ? await imageExists(image) : false;
  const runArgs = planPhase(config, 'run').args;
  const verdicts: PortVerdict[] = [];
  for (const port of ports) {
    const listener = classifyListener(sockets, port, bridgeIp);
    const probe = hasImage ? parseProbe(await runProbe(image, runArgs, PROBE_SCRIPT, [probeTarget(config), String(port)])) : { result: 'noimage' as const };
    verdicts.push(verdict({ app, config, port, listener, probe, bridgeIp, bridgeSubnet }));
  }
  const ok = problems.length === 0 && verdicts.every((v) => v.reachable);

  if (format === 'json') {
    const data = { app, mode: config.mode, ok, engine: engine.version ?? '', scheduler, builder, problems, notes, ports: verdicts };
    process.stdout.write(`${JSON.stringify(data)}\n`);
    return ok ? 0 : 1;
  }
  info2(`${app} network-host check (mode ${config.mode}, target ${probeTarget(config)})`);
  info1('Configuration');
  verbose(`Docker engine: ${engine.version ?? `not answering (${engine.error})`}`);
  verbose(`Scheduler:     ${scheduler || 'unknown'}`);
  verbose(`Builder:       ${builder || 'detected at build time'}`);
  for (const problem of problems) verbose(`Problem:       ${problem}`);
  for (const note of notes) verbose(`Note:          ${note}`);
  if (!hasImage && ports.length) verbose(`Image:         ${image} does not exist yet: only the host side is checked`);
  for (const v of verdicts) {
    info1(`Port ${v.port}: ${v.reachable ? 'reachable' : 'NOT reachable'}`);
    verbose(`On the host:   ${LISTENER_TEXT[v.listener]}`);
    verbose(`From the app:  ${v.probe.result}${v.probe.address ? ` (${v.target} -> ${v.probe.address})` : ''}`);
    verbose(`Why:           ${v.reason}`);
    if (v.fix) verbose(`Fix:           ${v.fix}`);
  }
  return ok ? 0 : 1;
}
