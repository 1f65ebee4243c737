// Pure: the :report flags of an app or of --global, and Dokku's report rendering (plugins/common/common.go,
// ParseReportArgs and ReportSingleApp).
import { PluginError } from './errors';
import type { InstalledComponent } from './k3s-files';
import { webPort, type AppFacts } from './model';
import { buildersWithout, planPhase, type PlanContext } from './plan';
import { deploysOnHost, DEFAULTS, KEYS, PLUGIN, showValue, tryResolve, webOnHost, type Config, type Settings } from './properties';
import { proxyNote } from './proxies';
import { redeployNote, redeployWay } from './redeploy';

export interface ContainerNetwork {
  networkMode: string;
  extraHosts: string[];
  running: boolean;
  /** proc is the container's process type (CONTAINER.<proc>.<n>), when known. */
  proc?: string;
}

export type ReportFlags = Record<string, string>;
const flag = (name: string): string => `--${PLUGIN}-${name}`;

function valueFlags(app: Settings | undefined, global: Settings): ReportFlags {
  const flags: ReportFlags = {};
  for (const key of KEYS) {
    if (app) flags[flag(key)] = showValue(key, app[key]);
    flags[flag(`global-${key}`)] = showValue(key, global[key]);
    flags[flag(`computed-${key}`)] = showValue(key, app?.[key] ?? global[key] ?? DEFAULTS[key]);
  }
  return flags;
}

/** globalReportFlags are the flags of `:report --global`: global and computed value of every key, and the bridge address. */
export const globalReportFlags = (global: Settings, bridgeAddress: string): ReportFlags => ({
  ...valueFlags(undefined, global),
  [flag('bridge-address')]: bridgeAddress,
});

/**
 * containerStatus compares the app's running containers with the deploy arguments it should have: a container created
 * before the last change (no rebuild yet) shows as drift.
 */
export function containerStatus(app: string, deployArgs: string[] | ((proc: string | undefined) => string[]), containers: ContainerNetwork[]): string {
  const running = containers.filter((c) => c.running);
  if (running.length === 0) return 'not running';
  // the arguments of each container's own process type (`processes`)
  const argsOf = (c: ContainerNetwork): string[] => (typeof deployArgs === 'function' ? deployArgs(c.proc) : deployArgs);
  const matches = (c: ContainerNetwork): boolean => {
    const args = argsOf(c);
    const wantHosts = args.filter((a) => a.startsWith('--add-host=')).map((a) => a.slice('--add-host='.length));
    return (c.networkMode === 'host') === args.includes('--network=host') && wantHosts.every((entry) => c.extraHosts.includes(entry));
  };
  const stale = running.filter((c) => !matches(c)).length;
  return stale === 0 ? 'in sync' : `${stale} of ${running.length} running, created before the last change: run dokku ps:rebuild ${app}`;
}

/** redeploys says what a redeploy of the app really does. */
export function redeploys(config: Config, facts: Pick<AppFacts, 'checksDisabled' | 'scheduler'> & Partial<AppFacts>): string {
  if (config.mode === 'off') return "Dokku's own (network-host changes nothing)";
  // `processes` without web: web keeps Dokku's own redeploys, and so the line says
  const only = deploysOnHost(config) && !webOnHost(config) ? ` (web is not in host mode; host mode for ${config.processes.join(', ')})` : '';
  if (facts.scheduler === 'k3s') {
    if (!deploysOnHost(config)) return "Kubernetes' rolling update";
    if (only) return `Kubernetes' rolling update for web${only}: Recreate for ${config.processes.join(', ')}, whose old pod stops before the new one starts`;
    return 'Recreate: the old pod stops before the new one starts (both cannot hold the port)';
  }
  if (!webOnHost(config)) {
    if (facts.checksDisabled) return `stop-then-start: checks are disabled, so Dokku stops the old container first (an outage while the new one starts)${only}`;
    return `zero downtime: the new container is checked while the old one serves${only}`;
  }
  const ports = facts.ports ?? [];
  const way = redeployWay({ config, scheduler: facts.scheduler, checksDisabled: facts.checksDisabled, webScale: facts.scale?.web ?? 1, ports, record: facts.redeploy, base: facts.basePort });
  return redeployNote(way, facts.redeploy, webPort({ ports }));
}

/** applies says where the setting reaches the app's containers. */
export function applies(config: Config, scheduler: string): string {
  if (config.mode === 'off') return '';
  const p = (phase: string): boolean => config.phases.includes(phase as Config['phases'][number]);
  if (scheduler === 'k3s') {
    const parts = [p('deploy') && 'pods (through a Kustomize component)', p('build') && 'builds', p('deploy') && 'app.json tasks (containers on the Dokku server)'].filter(Boolean);
    return `${parts.join(', ')}${p('run') ? '; not dokku run (its Kubernetes Job gets no Kustomize step)' : ''}`;
  }
  return [p('build') && 'builds', p('deploy') && 'deploys and app.json tasks', p('run') && 'dokku run and cron'].filter(Boolean).join(', ');
}

/**
 * k3sComponentPlace says where a k3s app's Kustomize component is (docs/k3s.md): the persistent root the plugin made
 * for an app without a kustomization, or the app's own kustomization there; what restarts and the next deploy render.
 */
export function k3sComponentPlace(scheduler: string, component: InstalledComponent | undefined): string {
  if (scheduler !== 'k3s') return '';
  if (component === undefined) return 'not installed';
  return component.minimal ? `persistent root ${component.root}` : `the app's kustomization ${component.kustomization}`;
}

/**
 * processDeployArgs are the deploy arguments per process type (web, the app's scaled types and the selected ones), then
 * what every other process type gets: `web: none; worker: --network=host; others: none`.
 */
export function processDeployArgs(config: Config, facts: Pick<AppFacts, 'scale'> | undefined, context: PlanContext): string {
  const procs = ['web', ...[...new Set([...Object.keys(facts?.scale ?? {}), ...config.processes])].filter((p) => p !== 'web').sort()];
  const shown = (args: string[]): string => args.join(' ') || 'none';
  const others = config.processes.length ? [] : planPhase(config, 'deploy', { ...context, proc: undefined }).args;
  return [...procs.map((proc) => `${proc}: ${shown(planPhase(config, 'deploy', { ...context, proc }).args)}`), `others: ${shown(others)}`].join('; ');
}

export interface AppReportInput {
  app: string;
  settings: Settings;
  global: Settings;
  /** facts are the app's facts; not needed for an app the plugin does not touch (mode off, no settings). */
  facts?: AppFacts;
  context: PlanContext;
  /** containers are the app's deployed containers as Docker reports them; undefined when not looked up. */
  containers?: ContainerNetwork[];
  /** answers says whether the precomputed trigger answers match the settings. */
  answers?: string;
  /** k3sComponent is the component in the app's persistent kustomize root (k3s apps); undefined when it is not there. */
  k3sComponent?: InstalledComponent;
}

/** touches tells whether the plugin has anything to say about an app beyond its settings (else its block is static). */
export const touches = (settings: Settings, global: Settings): boolean => Object.keys(settings).length > 0 || tryResolve(settings, global).config?.mode !== 'off';

/** appReportFlags are the flags of `:report APP`: app, global and computed value of every key, each phase's arguments, and what they mean. */
export function appReportFlags({ app, settings, global, facts, context, containers, answers, k3sComponent }: AppReportInput): ReportFlags {
  const flags = valueFlags(settings, global);
  const resolved = tryResolve(settings, global);
  const warnings: string[] = [];
  const config = resolved.config;
  for (const phase of ['build', 'deploy', 'run'] as const) {
    if (!config) {
      flags[flag(`${phase}-args`)] = `invalid setting: ${resolved.invalid.message}`;
      continue;
    }
    try {
      const plan = planPhase(config, phase, { ...context, builder: facts?.builder || undefined, proc: 'web' });
      flags[flag(`${phase}-args`)] = plan.args.join(' ');
      if (plan.warning) warnings.push(plan.warning);
    } catch (error) {
      flags[flag(`${phase}-args`)] = `unknown: ${(error as Error).message}`;
    }
  }
  if (config && config.mode !== 'off' && config.phases.includes('build') && !facts?.builder) {
    warnings.push(`Builds with ${buildersWithout(config.mode).join(' or ')} get no build arguments (those builders drop the option)`);
  }
  const scheduler = facts?.scheduler ?? 'docker-local';
  flags[flag('applies')] = config ? applies(config, scheduler) : '';
  flags[flag('redeploys')] = config && facts ? redeploys(config, facts) : config ? redeploys(config, { checksDisabled: false, scheduler }) : '';
  // the port maps the rules use: Dokku's, as its ports-get answers them (model.ts portMaps)
  flags[flag('ports')] = facts ? facts.ports.map((m) => `${m.scheme}:${m.host}:${m.container}`).join(' ') : '';
  flags[flag('proxy')] =
    !facts || scheduler === 'k3s' || !deploysOnHost(config)
      ? ''
      : webOnHost(config)
        ? proxyNote(facts.proxyType, webPort(facts), context.bridgeAddress)
        : `web is not in host mode: ${facts.proxyType} reaches it as it would without the plugin`;
  flags[flag('process-deploy-args')] = config ? processDeployArgs(config, facts, context) : '';
  flags[flag('containers')] = config && containers ? containerStatus(app, (proc) => planPhase(config, 'deploy', { proc }).args, containers) : '';
  flags[flag('k3s-component')] = facts ? k3sComponentPlace(scheduler, k3sComponent) : '';
  flags[flag('trigger-answers')] = answers ?? '';
  flags[flag('warnings')] = warnings.join('; ');
  return flags;
}

export type ReportFormat = 'stdout' | 'json';

export interface ReportArgs {
  app?: string;
  global: boolean;
  infoFlag?: string;
  format: ReportFormat;
}

/** parseReportArgs follows common.ParseReportArgs: `--format X`, `--global`, at most one info flag, an optional app. */
export function parseReportArgs(args: string[]): ReportArgs {
  const positional: string[] = [];
  const infoFlags: string[] = [];
  let format: string = 'stdout';
  let global = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--format') {
      if (i + 1 >= args.length) throw new PluginError('--format requires a value: stdout or json');
      format = args[++i]!;
    } else if (arg.startsWith('--format=')) format = arg.slice('--format='.length);
    else if (arg === '--global') global = true;
    else if (arg.startsWith('--')) infoFlags.push(arg);
    else positional.push(arg);
  }
  if (infoFlags.length > 1) throw new PluginError(`${PLUGIN}:report command allows only a single flag`);
  if (format !== 'stdout' && format !== 'json') throw new PluginError(`Invalid --format value specified, valid values: stdout, json`);
  if (format === 'json' && infoFlags.length) throw new PluginError('--format flag cannot be specified when specifying an info flag');
  if (positional.length > 1 || (global && positional.length)) throw new PluginError(`Usage: dokku ${PLUGIN}:report [<app>|--global] [--format stdout|json] [--${PLUGIN}-<key>]`);
  return { app: positional[0], global, infoFlag: infoFlags[0], format };
}

export interface RenderInput {
  target: string;
  flags: ReportFlags;
  infoFlag?: string;
  format: ReportFormat;
  quiet?: boolean;
}

/** reportHeader is the first line of an app's block (left out when Dokku's output is quiet). */
export const reportHeader = (target: string): string => `=====> ${target} ${PLUGIN} information\n`;

/** renderReport prints like common.ReportSingleApp: a header and padded lines, one JSON line, or a single raw value. */
export function renderReport({ target, flags, infoFlag, format, quiet }: RenderInput): string {
  const names = Object.keys(flags).sort();
  if (format === 'json') {
    const data: Record<string, string> = {};
    for (const name of names) data[name.slice(`--${PLUGIN}-`.length)] = flags[name]!;
    return `${JSON.stringify(data)}\n`;
  }
  if (infoFlag !== undefined) {
    if (!(infoFlag in flags)) throw new PluginError(`Invalid flag passed, valid flags: ${names.join(', ')}`);
    return `${flags[infoFlag]}\n`;
  }
  const width = Math.max(31, ...names.map((n) => n.length));
  const label = (name: string): string => {
    const words = name.slice(2).replace(/[-.]/g, ' ');
    return `${words.charAt(0).toUpperCase()}${words.slice(1)}:`.padEnd(width);
  };
  return (quiet ? '' : reportHeader(target)) + names.map((name) => `       ${label(name)}${flags[name]}\n`).join('');
}

/** untouchedBlock is the block of an app without settings while the global mode is off: the same for every app. */
export const untouchedBlock = (global: Settings): string =>
  renderReport({ target: '', flags: appReportFlags({ app: '', settings: {}, global, context: {} }), format: 'stdout', quiet: true });
