// Pure: the :report flags of an app or of --global, and Dokku's report rendering (contract §4.3, common.ReportSingleApp).
import { PluginError } from './errors';
import { buildersWithout, planPhase, type PlanContext } from './plan';
import { DEFAULTS, KEYS, PHASES, PLUGIN, resolveConfig, showValue, type Config, type Settings } from './properties';

export interface ContainerNetwork {
  networkMode: string;
  extraHosts: string[];
  running: boolean;
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

/** globalReportFlags are the flags of `:report --global`: global and computed value of every key. */
export const globalReportFlags = (global: Settings): ReportFlags => valueFlags(undefined, global);

/**
 * containerStatus compares the app's running containers with the deploy arguments it should have: a container created
 * before the last change (no rebuild yet) shows as drift.
 */
export function containerStatus(app: string, deployArgs: string[], containers: ContainerNetwork[]): string {
  const running = containers.filter((c) => c.running);
  if (running.length === 0) return 'not running';
  const wantHost = deployArgs.includes('--network=host');
  const wantHosts = deployArgs.filter((a) => a.startsWith('--add-host=')).map((a) => a.slice('--add-host='.length));
  const matches = (c: ContainerNetwork): boolean =>
    (c.networkMode === 'host') === wantHost && wantHosts.every((entry) => c.extraHosts.includes(entry));
  const stale = running.filter((c) => !matches(c)).length;
  return stale === 0 ? 'in sync' : `${stale} of ${running.length} running, created before the last change: run dokku ps:rebuild ${app}`;
}

/** REDEPLOY_NOTE says how a host-mode app is redeployed (the #5219 fix), on enable and in the report. */
export const REDEPLOY_NOTE =
  'Redeploys: each web container stops just before its replacement starts (both cannot bind the port); the replacement is checked, and the previous one is restarted if it fails';

export interface AppFacts {
  context: PlanContext;
  /** handWritten are the app's docker-options that do what a mode of the plugin does (the seed recipe). */
  handWritten?: string[];
  /** containers are the app's deployed containers as Docker reports them; undefined when not looked up. */
  containers?: ContainerNetwork[];
}

/** appReportFlags are the flags of `:report APP`: app, global and computed value of every key, plus each phase's arguments. */
export function appReportFlags(app: string, settings: Settings, global: Settings, facts: AppFacts): ReportFlags {
  const flags = valueFlags(settings, global);
  let config: Config | undefined;
  try {
    config = resolveConfig(settings, global);
  } catch (error) {
    for (const phase of PHASES) flags[flag(`${phase}-args`)] = `invalid setting: ${(error as Error).message}`;
  }
  const warnings: string[] = [];
  if (config) {
    for (const phase of PHASES) {
      const plan = planPhase(config, phase, facts.context);
      flags[flag(`${phase}-args`)] = plan.args.join(' ');
      if (plan.warning) warnings.push(plan.warning);
    }
    if (config.mode !== 'off' && config.phases.includes('build') && !facts.context.builder) {
      warnings.push(`Builds with ${buildersWithout(config.mode).join(' or ')} get no build arguments (those builders drop the option)`);
    }
  }
  flags[flag('hand-written')] = (facts.handWritten ?? []).join('; ');
  flags[flag('redeploys')] =
    config?.mode === 'host' && config.phases.includes('deploy') ? REDEPLOY_NOTE.replace(/^Redeploys: /, '') : 'zero downtime (Dokku default)';
  flags[flag('containers')] = config && facts.containers ? containerStatus(app, planPhase(config, 'deploy').args, facts.containers) : '';
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
    } else if (arg === '--global') global = true;
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
  const header = quiet ? '' : `=====> ${target} ${PLUGIN} information\n`;
  return header + names.map((name) => `       ${label(name)}${flags[name]}\n`).join('');
}
