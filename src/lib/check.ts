// network-host:check: what stands between the app and host services. The configuration and its problems, who
// listens on the host (from /proc), and a TCP probe from a short-lived container of the app's image.
import type { CheckArgs } from './cli';
import { classifyListener, parseProbe, PROBE_SCRIPT, probeDescription, probePhase, probeTarget, verdict, type PortVerdict } from './diagnose';
import { containerImage, engineVersion, imageExists, runProbe } from './docker';
import { InvalidStoredValueError } from './errors';
import { appContainerIds, snapshot, verifyApp } from './gather';
import { info1, info2, verbose } from './log';
import { webPort } from './model';
import { handWrittenKind, scopedOptions } from './options';
import { configurationNotes, planContext } from './pipeline';
import { needsBridgeAddress, planPhase } from './plan';
import { GLOBAL, PHASES, selectsProcess, tryResolve, webOnHost } from './properties';
import { proxyNote } from './proxies';
import { applies } from './report';
import { hostModeFindings } from './safety';
import { bridgeSubnet } from './bridge';
import { proxyKind } from './proxies';

const LISTENER_TEXT = { all: 'all interfaces', bridge: 'the docker0 address', loopback: '127.0.0.1 only', other: 'another address only', none: 'nothing listens' };

const atLeast = (version: string, major: number, minor: number): boolean => {
  const [a = 0, b = 0] = version.split('.').map((n) => parseInt(n, 10));
  return a > major || (a === major && b >= minor);
};

/** commandCheck prints the diagnosis and returns 0 only when every port is reachable and nothing blocks the mode. */
export async function commandCheck({ app, ports, format }: CheckArgs): Promise<number> {
  verifyApp(app);
  const web = appContainerIds(app, 'web')[0];
  const { host, engine } = await snapshot({ bridge: true, listeners: true, k3s: true, own: [app], vhost: [app] });
  const facts = host.apps.get(app)!;
  const resolved = tryResolve(facts.settings, host.global);
  if (resolved.invalid) throw new InvalidStoredValueError(resolved.invalid.source === 'app' ? app : GLOBAL, resolved.invalid.key, resolved.invalid.message);
  const config = resolved.config;
  const problems: string[] = [];
  const notes: string[] = [];

  const version = await engineVersion();
  if (!version.version) problems.push(`The Docker engine does not answer: ${version.error}`);
  else if (config.mode === 'gateway' && config.ip === 'host-gateway' && !atLeast(version.version, 20, 10)) {
    problems.push(`host-gateway needs Docker >= 20.10 (found ${version.version}): upgrade Docker or set an address with dokku network-host:set ${app} gateway-ip <ip>`);
  }
  if (config.mode !== 'off') notes.push(`Applies to: ${applies(config, facts.scheduler)}`);
  const findings = hostModeFindings({ facts, config, host, configs: new Map([...host.apps.keys()].map((a) => [a, tryResolve(host.apps.get(a)!.settings, host.global).config])) });
  problems.push(...findings.errors);
  notes.push(...findings.warnings, ...configurationNotes(facts, config, host));
  if (webOnHost(config)) {
    const port = webPort(facts);
    if (proxyKind(facts.proxyType) !== 'label') notes.push(`Proxy: ${proxyNote(facts.proxyType, port, host.bridge?.address)}`);
    if (port !== undefined && classifyListener(host.listeners, port) === 'all' && facts.hostNetworkRunning) notes.push(`Port ${port} is open on every interface of this host right now`);
  }
  for (const entry of scopedOptions(facts.options, PHASES)) {
    if (handWrittenKind(entry.option)) notes.push(`Your ${entry.phase} docker-option ${entry.option} does what a network-host mode does (network-host:${handWrittenKind(entry.option) === 'host' ? 'enable' : 'gateway'} adopts it)`);
  }

  const bridgeIp = host.bridge?.address ?? '172.17.0.1';
  const subnet = (engine?.bridgeFacts && bridgeSubnet(engine.bridgeFacts)) ?? '172.17.0.0/16';
  if (!host.bridge?.address && needsBridgeAddress(config)) problems.push(`The address of host-gateway is unknown, so gateway builds fail: ${host.bridge?.error}`);
  const image = (web && (await containerImage(web))) || `dokku/${app}:latest`;
  const hasImage = version.version ? await imageExists(image) : false;
  // The probe stands for the deployed web containers (dokku run's when deploy is not selected), without the proxy labels:
  // they do not change what the container reaches, and a proxy that reads labels (caddy, docs/proxies.md) must not route
  // to the probe.
  const phase = probePhase(config);
  // With `processes` leaving web out, the probe stands for the first selected process type.
  const proc = selectsProcess(config, 'web') ? 'web' : config.processes[0];
  const probeArgs = phase === 'none' ? [] : planPhase(config, phase, { ...planContext(facts, config, host), proc, proxyLabels: [] }).args;
  const verdicts: PortVerdict[] = [];
  for (const port of ports) {
    const listener = classifyListener(host.listeners, port, bridgeIp);
    const listening = host.listeners.filter((socket) => socket.port === port).map((socket) => socket.address);
    const probe = hasImage ? parseProbe(await runProbe(image, probeArgs, PROBE_SCRIPT, [probeTarget(config), String(port)])) : { result: 'noimage' as const };
    verdicts.push(verdict({ app, config, port, listener, listening, probe, bridgeIp, bridgeSubnet: subnet }));
  }
  const ok = problems.length === 0 && verdicts.every((v) => v.reachable);

  if (format === 'json') {
    const data = { app, mode: config.mode, 'probe-phase': phase, ok, engine: version.version ?? '', scheduler: facts.scheduler, builder: facts.builder, proxy: facts.proxyType, problems, notes, ports: verdicts };
    process.stdout.write(`${JSON.stringify(data)}\n`);
    return ok ? 0 : 1;
  }
  info2(`${app} network-host check (mode ${config.mode}, target ${probeTarget(config)})`);
  info1('Configuration');
  verbose(`Docker engine: ${version.version ?? `not answering (${version.error})`}`);
  verbose(`Bridge:        ${host.bridge?.address ? `host-gateway is ${host.bridge.address} (${host.bridge.source})` : `unknown (${host.bridge?.error})`}`);
  verbose(`Scheduler:     ${facts.scheduler}`);
  verbose(`Builder:       ${facts.builder || 'detected at build time'}`);
  verbose(`Proxy:         ${facts.proxyType}`);
  verbose(`Probe:         ${probeDescription(config)}`);
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
