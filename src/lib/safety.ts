// Pure: what Docker, Dokku or the proxies would refuse or silently ignore once an app shares the host's network, each
// with the command that fixes it (docs/host-mode.md). Every write path and the deploy preflight ask this one function.
import { classifyListener } from './diagnose';
import { hostWideBreakers, proxyKind, type ProxyKind } from './proxies';
import { webPort, type AppFacts, type HostFacts } from './model';
import { adoptableEntry, optionFacts, relevantOptions, removeCommand, serviceLink, type ScopedOption } from './options';
import { deploysOnHost, webOnHost, type Config } from './properties';
import { pairOf } from './redeploy';

export interface Findings {
  errors: string[];
  warnings: string[];
}

export interface FindingsInput {
  facts: AppFacts;
  config: Config;
  host: HostFacts;
  /** configs are the configurations every app will have after the change being planned. */
  configs: Map<string, Config | undefined>;
}

function optionFindings(app: string, config: Config, entries: ScopedOption[], findings: Findings): void {
  for (const entry of entries) {
    if (adoptableEntry(entry, config)) continue;
    const facts = optionFacts(entry.option);
    const fix = `Fix: ${removeCommand(app, entry)}`;
    const which = `The ${entry.phase} option ${entry.option}${entry.scope === '_default_' ? '' : ` (process ${entry.scope})`}`;
    if (facts.network !== undefined && facts.network !== 'host') findings.errors.push(`${which} puts ${app} on another network. ${fix}`);
    else if (facts.network === 'host') findings.errors.push(`${which} sets the network a second time, which Docker refuses. ${fix}`);
    for (const link of facts.links) {
      const service = serviceLink(link, entry.option);
      if (service) {
        findings.errors.push(
          `${app} is linked to the ${service.service} service ${service.name} (${entry.option}); Docker cannot combine links with host networking. ` +
            `Fix: keep the link and use the host gateway instead (dokku network-host:gateway ${app}), or expose the service on the host and ` +
            `connect to 127.0.0.1 (dokku ${service.service}:expose ${service.name} <port>, then dokku ${service.service}:unlink ${service.name} ${app})`,
        );
      } else {
        findings.errors.push(`${which} links a container, which Docker refuses with host networking. ${fix}`);
      }
    }
    if (facts.networkAlias) findings.errors.push(`${which} only works on user-defined networks. ${fix}`);
    if (facts.publish) findings.warnings.push(`${which} is ignored with host networking: the app listens on the host directly`);
  }
}

/**
 * hostModeFindings lists what breaks once the app runs with host networking in its configured phases. Entries the plugin
 * adopts (the documented docker-options recipe) are not conflicts: the plugin replaces them.
 */
export function hostModeFindings({ facts, config, host, configs }: FindingsInput): Findings {
  const findings: Findings = { errors: [], warnings: [] };
  const { app } = facts;
  if (config.mode !== 'host' || config.phases.length === 0) return findings;
  const deploys = deploysOnHost(config);
  // web's port, scale, proxy and redeploys matter only when web itself is in host mode (`processes`).
  const web = webOnHost(config);

  if (web && host.dokkuInDocker) {
    findings.errors.push(
      `Dokku runs inside a container here (the dokku/dokku image): its nginx reaches apps at 127.0.0.1 of that container, so a host-network app is unreachable. ` +
        `Fix: the host gateway reaches the Docker host: dokku network-host:gateway ${app}`,
    );
  }
  const breakers = hostWideBreakers([...host.apps.values()].map((other) => ({ app: other.app, type: other.proxyType })));
  for (const type of new Set(breakers.map((b) => b.type))) {
    const apps = breakers.filter((b) => b.type === type).map((b) => b.app);
    findings.errors.push(
      `The ${type} proxy (used by ${apps.join(', ')}) breaks for every app on this host as soon as one container shares the host's network. ` +
        `Fix: the host gateway keeps ${app} on the bridge: dokku network-host:gateway ${app}; or move those apps to another proxy (dokku proxy:set APP nginx)`,
    );
  }
  if (facts.network.initialNetwork) {
    findings.errors.push(
      `${app} joins network ${facts.network.initialNetwork} (network:set initial-network); a container cannot be on it and on the host network. Fix: dokku network:set ${app} initial-network`,
    );
  }
  if (deploys) {
    for (const [property, value] of [['attach-post-create', facts.network.attachPostCreate], ['attach-post-deploy', facts.network.attachPostDeploy]] as const) {
      if (value) {
        findings.errors.push(
          `${app} attaches networks ${value} (network:set ${property}); Docker cannot connect a host-network container to other networks. Fix: dokku network:set ${app} ${property}`,
        );
      }
    }
  }
  optionFindings(app, config, relevantOptions(facts.options, config), findings);
  if (!deploys) return findings;

  const port = webPort(facts);
  const scale = facts.scale.web ?? 1;
  if (web && scale > 1) {
    findings.errors.push(`${app} runs ${scale} web containers; with host networking they would all bind port ${port ?? 'PORT'}. Fix: dokku ps:scale ${app} web=1`);
  }
  // Every other process type in host mode: its containers share the host's ports too (on k3s each pod has a node of
  // its own, which the k3s checks count). Unlike web, whose PORT is fixed, most of them (queue workers) listen on
  // nothing and scale fine: said, not refused.
  if (facts.scheduler !== 'k3s') {
    for (const [proc, count] of Object.entries(facts.scale)) {
      if (proc === 'web' || count <= 1 || !deploysOnHost(config, proc)) continue;
      findings.warnings.push(
        `${app} runs ${count} ${proc} containers with host networking: they share the host's ports, so if ${proc} listens on a fixed port only one of them can bind it. Fix then: dokku ps:scale ${app} ${proc}=1`,
      );
    }
  }
  if (!web || port === undefined) return findings;
  // each host-mode web app holds the two ports its redeploys alternate between (redeploy.ts)
  const mine = reservedPorts(facts);
  for (const [other, otherConfig] of configs) {
    const otherFacts = host.apps.get(other);
    if (other === app || !otherFacts || !webOnHost(otherConfig)) continue;
    const theirs = reservedPorts(otherFacts);
    const shared = mine.find((p) => theirs.includes(p));
    if (shared === undefined) continue;
    const pair = theirs.length > 1 ? ` (its redeploys alternate between ${theirs.join(' and ')})` : '';
    findings.errors.push(`Host-mode app ${other} already uses port ${shared}${pair}. Fix: give ${app} another port, e.g. dokku ports:set ${app} http:80:${Math.max(...theirs) + 1}`);
  }
  if (!facts.hostNetworkRunning && mine.length > 1 && classifyListener(host.listeners, mine[1]!) !== 'none') {
    findings.warnings.push(
      `Port ${mine[1]} already listens on this host: ${app}'s redeploys move its web container there and back (zero downtime), so until it is free they stop the old container first`,
    );
  }
  // the app's own running host-mode web container holds its port itself
  if (!facts.hostNetworkRunning && classifyListener(host.listeners, port) !== 'none') findings.errors.push(portHeld(facts, port));
  return findings;
}

/** reservedPorts are the host ports a host-mode web app holds: both ports of its pair, or its one port when it cannot alternate. */
export function reservedPorts(facts: AppFacts): number[] {
  const base = facts.basePort ?? webPort(facts);
  if (base === undefined) return [];
  return facts.redeploy?.binds === 'fixed' || facts.checksDisabled ? [base] : pairOf(base);
}

/**
 * portHeld names who holds the port a host-mode app must bind, with the fix that fits. nginx listens on the host port
 * of every map it proxies (plugins/nginx-vhosts): an EXPOSE 5000 gives the detected map http:5000:5000, so nginx holds
 * the very port the app binds, and moving nginx to 80 keeps the app's port; on 80 and 443 the app must move.
 */
function portHeld(facts: AppFacts, port: number): string {
  const { app } = facts;
  const cannot = `so ${app} could not bind it with host networking`;
  const move = `give ${app} another port, e.g. dokku ports:set ${app} http:80:${port === 80 || port === 443 ? 5000 : port + 1}`;
  const nginx = proxyKind(facts.proxyType) === 'direct' && facts.proxyEnabled;
  const ownMap = nginx && port !== 80 && port !== 443 ? facts.ports.find((m) => m.host === port && m.scheme !== 'udp') : undefined;
  if (ownMap) return `Port ${port} is where ${facts.proxyType} listens for ${app}'s own port map ${ownMap.scheme}:${ownMap.host}:${ownMap.container}, ${cannot}. Fix: dokku ports:set ${app} http:80:${port}`;
  if (port === 80 || port === 443) return `Port ${port} is where the proxy listens for every app on this host, ${cannot}. Fix: ${move}`;
  return `Port ${port} already listens on this host (a program that is not a host-mode app), ${cannot}. Fix: stop that program, or ${move}`;
}

/** exposureWarning says what host mode publishes, with the fixes that fit the app's proxy. */
export function exposureWarning(app: string, port: number | undefined, proxyKind: ProxyKind): string {
  const p = port ?? 'PORT';
  const what = `With host networking ${app} listens on this host's interfaces${port === undefined ? '' : ` at port ${port}`}, reachable from outside past the proxy, TLS and basic-auth unless a firewall blocks it.`;
  if (proxyKind === 'label') return `${what} Fix: let only the bridge reach it: ufw allow in on docker0 to any port ${p} proto tcp, then ufw deny ${p}/tcp`;
  return `${what} Fix: make the app listen on 127.0.0.1 (nginx connects there), or block the port: ufw deny ${p}/tcp`;
}
