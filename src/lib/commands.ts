// The library behind each subcommand (one commandX per subcommand, as Dokku's Go plugins have): read the facts once,
// plan with pipeline.ts, carry the plan out with apply.ts, then rebuild or say how the change takes effect.
import { answersStatus } from './answers';
import { apply } from './apply';
import type { ModeArgs, SetArgs } from './cli';
import { PluginError } from './errors';
import { dokku } from './exec';
import { allApps, appContainerIds, appContainers, appFacts, isDeployed, snapshot, verifyApp, visibleApps } from './gather';
import { k3sComponent } from './k3s-apply';
import { withLockAsync } from './lock';
import { info1, info2Quiet, verbose, warn } from './log';
import { planContext, planSettings, type Plan } from './pipeline';
import { GLOBAL, isKey, KEYS, normalizeValue, PLUGIN, showValue, tryResolve, type Key, type Mode, type Settings } from './properties';
import { appReportFlags, globalReportFlags, parseReportArgs, redeploys, renderReport, reportHeader, touches, untouchedBlock } from './report';
import { readSettings } from './store';

/** input validates one typed value (nothing is written before every value of a command is valid). */
function input(key: Key, text: string): string {
  try {
    return normalizeValue(key, text);
  } catch (error) {
    throw new PluginError((error as Error).message);
  }
}

const MODE_TITLES: Record<Mode, string> = {
  host: 'host networking (--network=host)',
  gateway: 'a host-gateway entry (--add-host)',
  off: 'no host access (Docker defaults)',
};

/**
 * planAndApply is every write path's shape: facts, plan (refusing before anything is written), apply, all under the
 * lock (lock.ts), so no other write comes between the facts and the writes.
 */
function planAndApply(target: string, values: Settings, unset: Key[] = []): Promise<{ plan: Plan; scheduler?: string }> {
  return withLockAsync(async () => {
    const { host, engine } = await snapshot({ bridge: true, listeners: true, k3s: true, vhost: target === GLOBAL ? allApps() : [target], own: target === GLOBAL ? allApps() : [target] });
    const plan = planSettings({ target, values, unset }, host);
    await apply(plan, host, engine?.pidfile);
    return { plan, scheduler: host.apps.get(target)?.scheduler };
  });
}

/** applyToApp rebuilds a deployed app so its containers get the change (a k3s app restarts: its pods re-render). */
async function applyToApp(app: string, wanted: boolean, scheduler: string | undefined): Promise<number> {
  const command = scheduler === 'k3s' ? 'ps:restart' : 'ps:rebuild';
  if (!wanted) {
    info1(`Skipping rebuild; apply the change with: dokku ${command} ${app}`);
    return 0;
  }
  if (!(await isDeployed(app))) {
    info1(`${app} is not deployed yet: the setting applies on its first deploy`);
    return 0;
  }
  info1(`${command === 'ps:restart' ? 'Restarting' : 'Rebuilding'} ${app} so the change takes effect`);
  const code = (await dokku([command, app], { stream: true })).exitCode;
  if (code !== 0) warn(`${command} of ${app} failed (exit ${code}); the setting is saved. Fix the cause, then run: dokku ${command} ${app}`);
  return code;
}

/** commandMode backs enable, gateway and disable: validate everything, store what differs, rebuild when the effect changed. */
export async function commandMode(mode: Mode, args: ModeArgs): Promise<number> {
  verifyApp(args.app);
  const values: Settings = { mode };
  if (args.phases !== undefined) values.phases = input('phases', args.phases);
  if (args.processes !== undefined) values.processes = input('processes', args.processes.join(','));
  if (args.aliases !== undefined) values['gateway-aliases'] = input('gateway-aliases', args.aliases.join(','));
  if (args.ip !== undefined) values['gateway-ip'] = input('gateway-ip', args.ip);
  // The lock covers the facts, the plan and its writes; never the rebuild, whose deploy runs the plugin's triggers.
  const { plan, facts } = await withLockAsync(async () => {
    const { host, engine } = await snapshot({ bridge: true, listeners: true, k3s: true, vhost: [args.app], own: [args.app] });
    const plan = planSettings({ target: args.app, values }, host);
    const facts = host.apps.get(args.app)!;
    const config = tryResolve({ ...facts.settings, ...values }, host.global).config!;
    if (plan.changed.includes(args.app)) {
      info1(`Giving ${args.app} ${MODE_TITLES[mode]}`);
      if (mode !== 'off') verbose(`Phases: ${config.phases.join(',')}`);
      if (mode !== 'off' && config.processes.length) verbose(`Deploy containers of: ${config.processes.join(',')} (builds, dokku run, cron and app.json tasks follow the phases)`);
      if (mode === 'gateway') verbose(`Hosts: ${config.aliases.map((alias) => `${alias} -> ${config.ip}`).join(', ')}`);
      if (mode === 'host' && config.phases.includes('deploy')) verbose(`Redeploys: ${redeploys(config, facts)}`);
    }
    // Running a command again with the same settings changes nothing, and repeats nothing either.
    if (!plan.changed.includes(args.app)) plan.warnings = [];
    await apply(plan, host, engine?.pidfile);
    return { plan, facts };
  });
  if (!plan.changed.includes(args.app)) {
    info1(`${args.app} already has ${MODE_TITLES[mode]}; nothing changed`);
    return 0;
  }
  return applyToApp(args.app, args.rebuild, facts.scheduler);
}

/** commandSet follows Dokku's :set (common.CommandPropertySet): every key may be global; an empty value unsets; nothing is rebuilt. */
export async function commandSet({ target, key, value }: SetArgs): Promise<number> {
  if (target !== GLOBAL) verifyApp(target);
  if (!isKey(key)) throw new PluginError(`Invalid property specified, valid properties include: ${[...KEYS].sort().join(', ')}`);
  const stored = value === '' ? undefined : input(key, value);
  info2Quiet(stored === undefined ? `Unsetting ${key}` : `Setting ${key} to ${showValue(key, stored)}`);
  const { plan, scheduler } = await planAndApply(target, stored === undefined ? {} : { [key]: stored }, stored === undefined ? [key] : []);
  if (target === GLOBAL && plan.changed.length) {
    info1(`${plan.changed.length} app(s) use it from their next deploy (${plan.changed.join(', ')}); apply it now with: dokku ps:rebuild --all`);
  } else if (plan.changed.length) {
    info1(`Apply it with: dokku ${scheduler === 'k3s' ? 'ps:restart' : 'ps:rebuild'} ${target}`);
  }
  return 0;
}

/** commandReport follows Dokku's :report: one app, --global, or every app; stdout, json or a single raw value. */
export async function commandReport(args: string[]): Promise<number> {
  const { app, global: isGlobal, infoFlag, format } = parseReportArgs(args);
  const quiet = Boolean(process.env.DOKKU_QUIET_OUTPUT);
  if (isGlobal) {
    const { host } = await snapshot({ bridge: true });
    const address = host.bridge?.address ?? `unknown: ${host.bridge?.error}`;
    process.stdout.write(renderReport({ target: GLOBAL, flags: globalReportFlags(host.global, address), infoFlag, format, quiet }));
    return 0;
  }
  if (app !== undefined) verifyApp(app);
  const apps = app !== undefined ? [app] : await visibleApps();
  if (apps.length === 0) {
    warn("You haven't deployed any applications yet");
    return 0;
  }
  const global = readSettings(GLOBAL);
  const settingsOf = new Map(apps.map((name) => [name, readSettings(name)]));
  const touched = apps.filter((name) => touches(settingsOf.get(name)!, global));
  // One Docker call for the whole report: the bridge address and the touched apps' containers.
  const ids = touched.flatMap((name) => appContainerIds(name));
  const { host, engine } = touched.length ? await snapshot({ apps: touched, bridge: true, containers: ids, vhost: touched }) : { host: undefined, engine: undefined };
  // Every app the plugin does not touch has the same block (the sh report entry prints it too): rendered once.
  const untouched = format === 'stdout' && infoFlag === undefined ? untouchedBlock(global) : undefined;
  const touchedSet = new Set(touched);
  const output = apps.map((name) => {
    const settings = settingsOf.get(name)!;
    if (!host || !touchedSet.has(name)) {
      if (untouched !== undefined) return (quiet ? '' : reportHeader(name)) + untouched;
      return renderReport({ target: name, flags: appReportFlags({ app: name, settings, global, context: {} }), infoFlag, format, quiet });
    }
    const facts = host.apps.get(name) ?? appFacts(name);
    const containers = engine && !engine.error ? appContainers(name).flatMap(({ proc, id }) => (engine.containers.has(id) ? [{ ...engine.containers.get(id)!, proc }] : [])) : undefined;
    const answerTarget = facts.derived || Object.keys(settings).length ? name : GLOBAL;
    const context = planContext(facts, tryResolve(settings, global).config, host);
    const component = facts.scheduler === 'k3s' ? k3sComponent(name) : undefined;
    const flags = appReportFlags({ app: name, settings, global, facts, context, containers, answers: answersStatus(answerTarget, host, engine?.pidfile), k3sComponent: component });
    if (engine?.error) flags[`--${PLUGIN}-containers`] = `unknown: ${engine.error}`;
    return renderReport({ target: name, flags, infoFlag, format, quiet });
  });
  process.stdout.write(output.join(''));
  if (engine?.error) {
    warn(`Docker did not answer, so the containers and build arguments are unknown: ${engine.error}`);
    return 1;
  }
  return 0;
}

