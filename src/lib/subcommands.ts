// The library behind each subcommand (one commandX per subcommand, as Dokku's Go plugins have).
import { PluginError } from './errors';
import type { ModeArgs, SetArgs } from './cli';
import { appContainerIds, hostModeApps, isDeployed, listApps, rebuild, verifyApp } from './dokku';
import { inspectEngine, type EngineFacts } from './docker';
import { info1, info2Quiet, verbose, warn } from './log';
import { needsBridgeGateway, planPhase, type PlanContext } from './plan';
import { dockerOptions, dockerOptionsRemove, networkSettings, selectedBuilder, webPort, webScale } from './facts';
import { isKey, KEYS, normalizeValue, PHASES, PLUGIN, resolveConfig, showValue, type Config, type Key, type Mode, type Settings } from './properties';
import { handWrittenKind, hostModeFindings, planAdoption, type PhaseOptions } from './safety';
import { syncDockerOptions } from './sync';
import { resolveFor } from './docker-args';
import { appReportFlags, globalReportFlags, parseReportArgs, REDEPLOY_NOTE, renderReport, type ReportFlags } from './report';
import { deleteSetting, GLOBAL, readSettings, writeSetting } from './store';

/** input validates one typed value (nothing is written before every value of a command is valid). */
function input(key: Key, text: string): string {
  try {
    return normalizeValue(key, text);
  } catch (error) {
    throw new PluginError((error as Error).message);
  }
}

/** effect is what Docker would receive for an app, per phase: two settings with the same effect need no rebuild. */
function effect(settings: Settings, global: Settings): string {
  try {
    const config = resolveConfig(settings, global);
    return JSON.stringify(PHASES.map((phase) => planPhase(config, phase).args));
  } catch {
    return 'invalid';
  }
}

/** applyToApp is the rebuild hook of PRODUCT.md §3: rebuild a deployed app, or say when the change will apply. */
async function applyToApp(app: string, wanted: boolean): Promise<number> {
  if (!wanted) {
    info1(`Skipping rebuild; apply the change with: dokku ps:rebuild ${app}`);
    return 0;
  }
  if (!(await isDeployed(app))) {
    info1(`${app} is not deployed yet: the setting applies on its first deploy`);
    return 0;
  }
  info1(`Rebuilding ${app} so the change takes effect`);
  const code = await rebuild(app);
  if (code !== 0) warn(`Rebuild of ${app} failed (exit ${code}); the setting is saved. Fix the cause, then run: dokku ps:rebuild ${app}`);
  return code;
}

const MODE_TITLES: Record<Mode, string> = {
  host: 'host networking (--network=host)',
  gateway: 'a host-gateway entry (--add-host)',
  off: 'no host access (Docker defaults)',
};

/** otherHostApps are the other host-mode apps with their configured web ports. */
const otherHostApps = (app: string): Promise<{ app: string; port: number }[]> =>
  Promise.all(hostModeApps(app).map(async (other) => ({ app: other, port: await webPort(other) })));

/** checkHostMode refuses, before anything is written, what Docker or Dokku would break in host mode (PRODUCT.md §7). */
async function checkHostMode(app: string, config: Config, options: PhaseOptions): Promise<void> {
  const [network, scale, port, others] = await Promise.all([networkSettings(app), webScale(app), webPort(app), otherHostApps(app)]);
  const findings = hostModeFindings({ app, config, options, network, webScale: scale, webPort: port, otherHostApps: others });
  for (const warning of findings.warnings) warn(warning);
  if (findings.errors.length) throw new PluginError([`Host networking cannot be enabled for ${app}:`, ...findings.errors].join('\n !     '));
}

/** commandMode backs enable, gateway and disable: validate everything, store what differs, rebuild when the effect changed. */
export async function commandMode(mode: Mode, args: ModeArgs): Promise<number> {
  verifyApp(args.app);
  const changes: Settings = { mode };
  if (args.phases !== undefined) changes.phases = input('phases', args.phases);
  if (args.aliases !== undefined) changes['gateway-aliases'] = input('gateway-aliases', args.aliases.join(','));
  if (args.ip !== undefined) changes['gateway-ip'] = input('gateway-ip', args.ip);

  const global = readSettings(GLOBAL);
  const before = readSettings(args.app);
  const after: Settings = { ...before, ...changes };
  const written = KEYS.filter((key) => changes[key] !== undefined && before[key] !== changes[key]);
  const config = resolveFor(args.app, after, global);
  const options = dockerOptions(args.app);
  const adoption = planAdoption(options, config);
  if (mode === 'host') await checkHostMode(args.app, config, options);

  const effectChanged = effect(before, global) !== effect(after, global);
  if (written.length === 0 && adoption.length === 0 && !effectChanged) {
    info1(`${args.app} already has ${MODE_TITLES[mode]}; nothing changed`);
    return 0;
  }
  for (const key of written) writeSetting(args.app, key, changes[key]!);
  info1(`Giving ${args.app} ${MODE_TITLES[mode]}`);
  if (mode !== 'off') verbose(`Phases: ${config.phases.join(',')}`);
  if (mode === 'gateway') verbose(`Hosts: ${config.aliases.map((alias) => `${alias} -> ${config.ip}`).join(', ')}`);
  if (mode === 'host' && config.phases.includes('deploy')) verbose(REDEPLOY_NOTE);
  const builder = mode === 'off' ? '' : await selectedBuilder(args.app);
  const buildWarning = builder ? planPhase(config, 'build', { builder }).warning : undefined;
  if (buildWarning) warn(buildWarning);
  for (const { phase, option } of adoption) {
    await dockerOptionsRemove(args.app, phase, option);
    verbose(`Adopted your ${phase} docker-option ${option}: the plugin applies it now, so it is not given twice`);
  }
  await syncDockerOptions(args.app, global);
  if (adoption.length === 0 && !effectChanged) {
    info1('The arguments Docker receives are unchanged; nothing to rebuild');
    return 0;
  }
  return applyToApp(args.app, args.rebuild);
}

/** commandSet follows Dokku's :set: every key may be global; an empty value unsets; nothing is rebuilt. */
export async function commandSet({ target, key, value }: SetArgs): Promise<number> {
  if (target !== GLOBAL) verifyApp(target);
  if (!isKey(key)) throw new PluginError(`Invalid property specified, valid properties include: ${[...KEYS].sort().join(', ')}`);
  const global = readSettings(GLOBAL);
  const before = readSettings(target);
  const stored = value === '' ? undefined : input(key, value);
  if (stored === undefined) {
    info2Quiet(`Unsetting ${key}`);
    deleteSetting(target, key);
  } else {
    info2Quiet(`Setting ${key} to ${showValue(key, stored)}`);
    writeSetting(target, key, stored);
  }
  const after = target === GLOBAL ? readSettings(GLOBAL) : { ...before, [key]: stored };
  // apply=docker-options keeps Dokku's store in step with every change, global ones included.
  for (const app of target === GLOBAL ? listApps() : [target]) await syncDockerOptions(app, target === GLOBAL ? after : global);
  if (target === GLOBAL) {
    if (JSON.stringify(global) !== JSON.stringify(after)) info1('Apps without their own value use it from their next deploy; apply it now with: dokku ps:rebuild --all');
  } else if (effect(before, global) !== effect(after, global)) {
    info1(`Apply it with: dokku ps:rebuild ${target}`);
  }
  return 0;
}

const CONTAINERS_FLAG = `--${PLUGIN}-containers`;
const BUILD_ARGS_FLAG = `--${PLUGIN}-build-args`;

/** engineFacts asks Docker once for every app of the report; a Docker failure is returned, to be shown in the report. */
async function engineFacts(apps: string[], infoFlag: string | undefined): Promise<{ facts?: EngineFacts; error?: string }> {
  const wantContainers = infoFlag === undefined || infoFlag === CONTAINERS_FLAG;
  const global = readSettings(GLOBAL);
  const wantBridge = (infoFlag === undefined || infoFlag === BUILD_ARGS_FLAG) && apps.some((app) => {
    try {
      return needsBridgeGateway(resolveConfig(readSettings(app), global));
    } catch {
      return false;
    }
  });
  const ids = wantContainers ? apps.flatMap(appContainerIds) : [];
  if (!wantContainers && !wantBridge) return {};
  try {
    return { facts: await inspectEngine(ids, wantBridge) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** appFlags builds one app's report flags from the settings and what Docker said. */
function appFlags(app: string, global: Settings, engine: { facts?: EngineFacts; error?: string }): ReportFlags {
  const context: PlanContext = { bridgeGateway: engine.facts?.bridgeGateway };
  const known = engine.facts?.containers;
  const containers = known ? appContainerIds(app).flatMap((id) => known.get(id) ?? []) : undefined;
  const handWritten = Object.entries(dockerOptions(app)).flatMap(([phase, options]) =>
    options.filter((option) => handWrittenKind(option)).map((option) => `${phase}: ${option}`),
  );
  const flags = appReportFlags(app, readSettings(app), global, { context, containers, handWritten });
  if (engine.error) flags[CONTAINERS_FLAG] = `unknown: ${engine.error}`;
  return flags;
}

/** commandReport follows Dokku's :report: one app, --global, or every app; stdout, json or a single raw value. */
export async function commandReport(args: string[]): Promise<number> {
  const { app, global: isGlobal, infoFlag, format } = parseReportArgs(args);
  const quiet = Boolean(process.env.DOKKU_QUIET_OUTPUT);
  const global = readSettings(GLOBAL);
  if (isGlobal) {
    process.stdout.write(renderReport({ target: GLOBAL, flags: globalReportFlags(global), infoFlag, format, quiet }));
    return 0;
  }
  if (app !== undefined) verifyApp(app);
  const apps = app !== undefined ? [app] : listApps();
  if (apps.length === 0) {
    warn("You haven't deployed any applications yet");
    return 0;
  }
  const engine = await engineFacts(apps, infoFlag);
  const output = apps.map((name) => renderReport({ target: name, flags: appFlags(name, global, engine), infoFlag, format, quiet }));
  process.stdout.write(output.join(''));
  if (engine.error) {
    warn(`Docker did not answer, so the containers and build arguments are unknown: ${engine.error}`);
    return 1;
  }
  return 0;
}

