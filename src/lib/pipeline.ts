// Pure: every change the plugin makes, planned from one snapshot of facts (model.ts) and executed by apply.ts. Commands
// (enable, gateway, disable, :set, --global) and lifecycle hooks (clone, rename, the deploy preflight) all go through
// here, so each of them gets the same refusals and the same adoption.
import { proxyRoutes, webPort, type AppFacts, type HostFacts } from './model';
import { adoptableEntry, scopedOptions, type ScopedOption } from './options';
import { planPhase, type PlanContext } from './plan';
import { ANY_NODE, deploysOnHost, GLOBAL, KEYS, PHASES, selectsProcess, SERVER_NODE, tryResolve, usesHostNetwork, webOnHost, type Config, type Key, type Settings } from './properties';
import { caddyLabels, proxyKind, proxyNote, traefikLabels } from './proxies';
import { exposureWarning, hostModeFindings } from './safety';
import type { PodNetworking } from './k3s';
import { InvalidStoredValueError, PluginError } from './errors';

export interface LabelEdit {
  app: string;
  /** add are the labels to write into traefik's labels store (traefik:labels:add replaces a label of the same name). */
  add: Record<string, string>;
  remove: string[];
  /** own is what the plugin's record of its labels becomes. */
  own: Record<string, string>;
}

export interface K3sEdit {
  app: string;
  /** networking is the component to install; undefined removes it. */
  networking?: PodNetworking;
}

export interface Plan {
  warnings: string[];
  /** settings are the stored settings each target ends with (a key left out is deleted). */
  settings: { target: string; settings: Settings }[];
  /** destroy are targets whose settings and data go (rename). */
  destroy: string[];
  adoptions: { app: string; entry: ScopedOption }[];
  labels: LabelEdit[];
  k3s: K3sEdit[];
  /** derive are the targets whose precomputed trigger answers are written again. */
  derive: string[];
  /** changed are the apps whose containers get other arguments than before. */
  changed: string[];
  /** ports are the apps whose ports map the plugin moved (redeploy.ts) and now puts back: their web leaves the host network. */
  ports: { app: string; map: string[] | null }[];
}

const emptyPlan = (): Plan => ({ warnings: [], settings: [], destroy: [], adoptions: [], labels: [], k3s: [], derive: [], changed: [], ports: [] });

/** settingsOf is a target's stored settings as the facts know them. */
const settingsOf = (host: HostFacts, target: string): Settings => (target === GLOBAL ? host.global : (host.apps.get(target)?.settings ?? {}));

/** configsWith resolves every app with the given settings overrides; apps whose stored values do not parse are undefined. */
function configsWith(host: HostFacts, overrides: Map<string, Settings>): Map<string, Config | undefined> {
  const global = overrides.get(GLOBAL) ?? host.global;
  const configs = new Map<string, Config | undefined>();
  for (const [app, facts] of host.apps) configs.set(app, tryResolve(overrides.get(app) ?? facts.settings, global).config);
  return configs;
}

/** effect is what Docker receives for an app, phase by phase: two configurations with the same effect need no rebuild. */
const effect = (config: Config | undefined): string =>
  JSON.stringify([
    ...PHASES.map((phase) => (config ? planPhase(config, phase, { proc: 'web', bridgeAddress: 'bridge' }).args : 'invalid')),
    // which process types' deploy containers get them (app.json tasks get them whatever `processes` says)
    config && planPhase(config, 'deploy').args.length ? config.processes : [],
  ]);

/** proxyLabelsFor are the deploy labels a host-mode web container needs for its proxy (caddy: docs/proxies.md). */
export function proxyLabelsFor(facts: AppFacts, config: Config | undefined, host: HostFacts): string[] {
  // Only where caddy-vhosts emits a site: a lone caddy.* label would be read as a global option and stop caddy for
  // every app (caddy-docker-proxy's global options, as Dokku's compose.yml.sigil sets its own).
  const port = proxyRoutes(facts.ports, facts.vhost).caddy;
  if (!webOnHost(config) || facts.proxyType !== 'caddy' || !facts.proxyEnabled || port === undefined || !host.bridge?.address) return [];
  return caddyLabels(host.bridge.address, port);
}

/** planContext is what the arguments of an app depend on beyond its settings. */
export const planContext = (facts: AppFacts | undefined, config: Config | undefined, host: HostFacts): PlanContext => ({
  bridgeAddress: host.bridge?.address,
  proxyLabels: facts ? proxyLabelsFor(facts, config, host) : [],
});

/** labelEdit keeps traefik's labels store in step for one app, never touching a label the user wrote. */
function labelEdit(facts: AppFacts, config: Config | undefined, host: HostFacts, warnings: string[]): LabelEdit | undefined {
  const wanted =
    webOnHost(config) && facts.proxyType === 'traefik' && facts.proxyEnabled && host.bridge?.address
      ? traefikLabels(facts.app, host.bridge.address, proxyRoutes(facts.ports, facts.vhost))
      : {};
  const own: Record<string, string> = {};
  const add: Record<string, string> = {};
  for (const [name, value] of Object.entries(wanted)) {
    const stored = facts.traefikLabels[name];
    if (stored !== undefined && facts.ownLabels[name] === undefined && stored !== value) {
      warnings.push(`traefik label ${name} of ${facts.app} was set by hand (${stored}); the plugin leaves it alone`);
      continue;
    }
    own[name] = value;
    if (stored !== value) add[name] = value;
  }
  const remove = Object.keys(facts.ownLabels).filter((name) => own[name] === undefined && facts.traefikLabels[name] === facts.ownLabels[name]);
  const same = JSON.stringify(own) === JSON.stringify(facts.ownLabels);
  if (same && Object.keys(add).length === 0 && remove.length === 0) return undefined;
  return { app: facts.app, add, remove, own };
}

/** k3sNetworking is the Kustomize component a k3s app's pods get (docs/k3s.md), or why it is incomplete. */
export function k3sNetworking(facts: AppFacts, config: Config | undefined, host: HostFacts, warnings: string[]): PodNetworking | undefined {
  if (facts.scheduler !== 'k3s' || !config || config.mode === 'off') return undefined;
  let node: string | undefined;
  if (config.node === SERVER_NODE) {
    node = host.k3s?.serverNode;
    if (!node) warnings.push(`The node Dokku runs on is unknown (${host.k3s?.error ?? 'scheduler-k3s:cluster-list gave none'}): ${facts.app}'s pods are not pinned. Fix: dokku network-host:set ${facts.app} k3s-node <node name>`);
  } else if (config.node !== ANY_NODE) {
    node = config.node;
  }
  const processes = config.processes.length ? config.processes : undefined;
  if (config.mode === 'host') return { app: facts.app, mode: 'host', aliases: [], node, processes };
  let address: string | undefined;
  if (config.ip !== 'host-gateway') address = config.ip;
  else if (config.node === SERVER_NODE) address = host.k3s?.serverAddress;
  if (!address) {
    warnings.push(
      `Kubernetes has no host-gateway: ${facts.app}'s pods get HOST_IP (the address of the node they run on) but no ${config.aliases.join(', ')} entry. Fix: dokku network-host:set ${facts.app} gateway-ip <address>`,
    );
  }
  return { app: facts.app, mode: 'gateway', aliases: config.aliases, address, node, processes };
}

/** k3sFindings: a host-mode pod holds its ports on its node, so more replicas than eligible nodes never schedule. */
function k3sFindings(facts: AppFacts, config: Config, host: HostFacts, errors: string[], warnings: string[]): void {
  if (facts.scheduler !== 'k3s' || config.mode !== 'host') return;
  const pinned = config.node !== ANY_NODE;
  const nodes = host.k3s?.nodes;
  for (const [proc, count] of Object.entries(facts.scale)) {
    // the component patches only the selected processes' Deployments
    if (!selectsProcess(config, proc)) continue;
    if (count > 1 && pinned) {
      errors.push(`${facts.app} runs ${count} ${proc} pods pinned to one node; with host networking they would all bind the same ports there. Fix: dokku ps:scale ${facts.app} ${proc}=1`);
    } else if (nodes !== undefined && count > nodes) {
      errors.push(
        `${facts.app} runs ${count} ${proc} pods with host networking, but the cluster has ${nodes} ready node(s) and each pod needs one of its own. Fix: dokku ps:scale ${facts.app} ${proc}=${nodes}`,
      );
    } else if (count > 1) {
      warnings.push(`${facts.app} runs ${count} ${proc} pods with host networking: each needs a node of its own; pods beyond the number of free nodes stay pending`);
    }
  }
}

/** configurationNotes are what the operator should know about an app's configuration: builders, k3s, proxies, exposure. */
export function configurationNotes(facts: AppFacts, config: Config, host: HostFacts): string[] {
  const warnings: string[] = [];
  notesFor(facts, config, host, warnings);
  return warnings;
}

function notesFor(facts: AppFacts, config: Config, host: HostFacts, warnings: string[]): void {
  if (config.mode === 'off') return;
  if (config.phases.includes('build') && facts.builder) {
    const warning = planPhase(config, 'build', { builder: facts.builder, bridgeAddress: 'x' }).warning;
    if (warning) warnings.push(warning);
  }
  if (facts.scheduler === 'k3s' && config.phases.includes('run')) {
    warnings.push(`${facts.app} is on the k3s scheduler: dokku run starts a Kubernetes Job that Dokku builds without its Kustomize step, so one-off runs get no ${config.mode === 'host' ? 'host networking' : 'host entries'}`);
  }
  if (!deploysOnHost(config)) return;
  if (!webOnHost(config)) {
    warnings.push(
      `Only ${config.processes.join(', ')} of ${facts.app} get${config.processes.length > 1 ? '' : 's'} host networking at deploys: web keeps Dokku's zero-downtime deploys, its scale and its proxy. ` +
        `Any port ${config.processes.length > 1 ? 'they bind' : 'it binds'} is open on this host's interfaces unless a firewall blocks it`,
    );
    return;
  }
  if (facts.scheduler !== 'k3s') {
    const kind = proxyKind(facts.proxyType);
    if (kind === 'label') warnings.push(`Proxy: ${proxyNote(facts.proxyType, webPort(facts), host.bridge?.address)}`);
    warnings.push(exposureWarning(facts.app, webPort(facts), kind));
  }
  if (webPort(facts) === undefined) warnings.push(`${facts.app} has no tcp port map, so no port is checked (dokku ports:report ${facts.app})`);
}

export type SettingsChange = { target: string; values: Settings; unset?: Key[] };

/**
 * planSettings plans a change of stored settings of one app or of the global settings: validation of the result, the
 * host-mode refusals for every app it affects, adoption of hand-written entries, proxy labels, k3s components.
 */
export function planSettings({ target, values, unset = [] }: SettingsChange, host: HostFacts): Plan {
  const plan = emptyPlan();
  const before = settingsOf(host, target);
  const after: Settings = { ...before, ...values };
  for (const key of unset) delete after[key];
  const overrides = new Map([[target, after]]);
  const global = target === GLOBAL ? after : host.global;
  const resolved = tryResolve(target === GLOBAL ? {} : after, global);
  if (resolved.invalid) {
    const at = resolved.invalid.source === 'app' ? target : GLOBAL;
    throw new InvalidStoredValueError(at, resolved.invalid.key, resolved.invalid.message);
  }
  const beforeConfigs = configsWith(host, new Map());
  const afterConfigs = configsWith(host, overrides);
  const affected = target === GLOBAL ? [...host.apps.keys()].filter((app) => effect(beforeConfigs.get(app)) !== effect(afterConfigs.get(app))) : [target];

  const errors: string[] = [];
  for (const app of affected) {
    const facts = host.apps.get(app)!;
    const config = afterConfigs.get(app);
    if (!config) continue;
    const findings = hostModeFindings({ facts, config, host, configs: afterConfigs });
    k3sFindings(facts, config, host, findings.errors, findings.warnings);
    errors.push(...findings.errors.map((e) => (target === GLOBAL ? `${app}: ${e}` : e)));
    plan.warnings.push(...findings.warnings);
    notesFor(facts, config, host, plan.warnings);
    for (const entry of scopedOptions(facts.options, config.phases).filter((e) => adoptableEntry(e, config))) plan.adoptions.push({ app, entry });
    const edit = labelEdit(facts, config, host, plan.warnings);
    if (edit) plan.labels.push(edit);
    if (facts.scheduler === 'k3s') plan.k3s.push({ app, networking: k3sNetworking(facts, config, host, plan.warnings) });
    if (facts.portsMoved && facts.redeploy && !webOnHost(config)) plan.ports.push({ app, map: facts.redeploy.before.length ? facts.redeploy.before : null });
    if (effect(beforeConfigs.get(app)) !== effect(config) || plan.adoptions.some((a) => a.app === app)) plan.changed.push(app);
  }
  if (errors.length) {
    const who = target === GLOBAL ? 'as the global setting' : `for ${target}`;
    throw new PluginError([`This network-host setting cannot be used ${who}:`, ...errors].join('\n !     '));
  }
  if (KEYS.some((key) => before[key] !== after[key])) plan.settings.push({ target, settings: after });
  plan.derive = target === GLOBAL ? [GLOBAL, ...[...host.apps.values()].filter((f) => Object.keys(f.settings).length || f.derived).map((f) => f.app)] : [target];
  return plan;
}

/**
 * planPreflight runs before every deploy (scheduler-deploy) and `dokku run` (scheduler-run) of a host-mode app, before any
 * container is touched: things change without the plugin (ps:scale, a datastore link, another app's proxy), so the
 * refusals are asked again, and the per-app answers (proxy labels with today's port) are written again.
 */
export function planPreflight(app: string, phase: 'deploy' | 'run', host: HostFacts): Plan {
  const plan = emptyPlan();
  const facts = host.apps.get(app);
  const configs = configsWith(host, new Map());
  const config = configs.get(app);
  if (!facts || !usesHostNetwork(config) || !config!.phases.includes(phase)) return plan;
  const scoped: Config = phase === 'deploy' ? config! : { ...config!, phases: ['run'] };
  const findings = hostModeFindings({ facts, config: scoped, host, configs });
  if (phase === 'deploy') k3sFindings(facts, scoped, host, findings.errors, findings.warnings);
  if (findings.errors.length) throw new PluginError([`The ${phase === 'deploy' ? 'deploy' : 'run'} of ${app} is refused by network-host:`, ...findings.errors].join('\n !     '));
  plan.warnings.push(...findings.warnings);
  // The documented recipe added after enable (or left by an interrupted one) would reach Docker next to the plugin's
  // own argument ("network host is specified multiple times"): adopted here as on every write.
  for (const entry of scopedOptions(facts.options, scoped.phases).filter((e) => adoptableEntry(e, scoped))) plan.adoptions.push({ app, entry });
  if (phase === 'deploy') {
    const edit = labelEdit(facts, config, host, plan.warnings);
    if (edit) plan.labels.push(edit);
    plan.derive = [app];
  }
  return plan;
}

/**
 * planClone gives the clone the same settings, except that a clone in host mode would bind the same port as its source
 * (apps:clone copies the ports too): it gets mode off, with a warning, instead of a clone whose first deploy fails.
 */
export function planClone(oldApp: string, newApp: string, host: HostFacts): Plan {
  const plan = emptyPlan();
  const source = host.apps.get(oldApp);
  if (!source) return plan;
  const settings: Settings = { ...source.settings };
  // The clone has its source's settings and ports, so in host mode it would bind the source's port.
  if (deploysOnHost(tryResolve(settings, host.global).config)) {
    settings.mode = 'off';
    plan.warnings.push(
      `${newApp} would bind ${webPort(source) === undefined ? 'the port' : `port ${webPort(source)}`} of ${oldApp} with host networking, so it gets mode off. Give it another port, then: dokku network-host:enable ${newApp}`,
    );
  }
  if (Object.keys(settings).length) plan.settings.push({ target: newApp, settings });
  plan.derive = [newApp];
  return plan;
}

/**
 * planRename moves the settings (Dokku destroys the old app after post-app-rename-setup) and renders the new app's
 * answers. A k3s app's component names the app in its patches: the rebuild after a rename writes it again (post-extract).
 */
export function planRename(oldApp: string, newApp: string, host: HostFacts): Plan {
  const plan = emptyPlan();
  const source = host.apps.get(oldApp);
  if (!source) return plan;
  if (Object.keys(source.settings).length) plan.settings.push({ target: newApp, settings: source.settings });
  plan.destroy = [oldApp];
  plan.derive = [newApp];
  return plan;
}
