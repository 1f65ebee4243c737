// The library behind the triggers that reach Node (the sh entry, src/sh/hook.sh, answers the others and filters these
// down to the calls that concern the plugin). Argument orders follow Dokku's call sites.
import { answersDir, writeAnswers } from './answers';
import { apply } from './apply';
import { commandReport } from './commands';
import { InvalidStoredValueError, PluginError } from './errors';
import { allApps, snapshot } from './gather';
import { triggerPostContainerCreate, triggerSchedulerRegisterRetired } from './handoff';
import { warn } from './log';
import { planClone, planContext, planPreflight, planRename, type Plan } from './pipeline';
import type { HostFacts } from './model';
import { needsBridgeAddress, planPhase, triggerOutput } from './plan';
import { GLOBAL, tryResolve, type Phase } from './properties';
import { checkAppName, isDir, readSettings, settingsDir } from './store';
import { k3sPostExtract, removeAllK3sComponents } from './k3s-apply';
import { LockBusyError, withLockAsync } from './lock';
import { prepareRedeploy, recordNewContainer, switchRetired, watchNewContainer } from './switch';

/** TRIGGER_WAIT_MS: a docker-args call waits this long at most to write the answers again (deploys wait for it). */
const TRIGGER_WAIT_MS = 10_000;

/** ownTarget is whose answers a call reads: the app's own when it has settings or answers of its own, else the global ones. */
const ownTarget = (app: string): string => (isDir(settingsDir(app)) || isDir(answersDir(app)) ? app : GLOBAL);

/**
 * dockerArgs answers a docker-args-process-* call the sh entry could not answer from the precomputed files (missing,
 * older than a setting, or a builder it has no file for), and writes the files again.
 */
async function dockerArgs(phase: Phase, args: string[]): Promise<void> {
  const [app = ''] = args;
  checkAppName(app);
  const resolved = tryResolve(readSettings(app), readSettings(GLOBAL));
  if (resolved.invalid) throw new InvalidStoredValueError(resolved.invalid.source === 'app' ? app : GLOBAL, resolved.invalid.key, resolved.invalid.message);
  const config = resolved.config;
  const target = ownTarget(app);
  const { host, engine } = await snapshot({ apps: target === GLOBAL ? [] : [app], bridge: config.mode !== 'off', vhost: [app] });
  const context = { ...planContext(host.apps.get(app), config, host), builder: phase === 'build' ? args[1] : undefined, proc: args[3] || undefined };
  if (phase === 'build' && needsBridgeAddress(config) && !context.bridgeAddress) {
    throw new PluginError(
      `Unable to find the address host-gateway resolves to for the build of ${app} (${host.bridge?.error ?? 'Docker did not say'}): check that Docker runs, or set the address with dokku network-host:set ${app} gateway-ip <ip>`,
    );
  }
  const plan = planPhase(config, phase, context);
  if (plan.warning) warn(plan.warning);
  process.stdout.write(triggerOutput(plan.args));
  // The answer is printed: writing the files again is only a cache, so a busy lock costs this deploy nothing.
  try {
    writeAnswers(target, host, engine?.pidfile, TRIGGER_WAIT_MS);
  } catch (error) {
    if (!(error instanceof LockBusyError)) throw error;
    warn(`${error.message} (the precomputed answers are written again by the next call)`);
  }
}

/** preflight refuses a deploy or `dokku run` of a host-mode app that can no longer work, before any container is touched. */
async function preflight(phase: 'deploy' | 'run', scheduler: string, app: string, tag = '', proc = ''): Promise<void> {
  if (!app) return;
  await withLockAsync(async () => {
    const wanted = { bridge: true, k3s: scheduler === 'k3s', listeners: phase === 'deploy', own: [app], vhost: [app] };
    let { host, engine } = await snapshot(wanted);
    let plan = planPreflight(app, phase, host);
    // A deploy that is not refused may move the web container's port (switch.ts): the labels and answers follow the move.
    if (phase === 'deploy' && scheduler === 'docker-local' && (await prepareRedeploy(app, tag, proc))) {
      ({ host, engine } = await snapshot(wanted));
      plan = planPreflight(app, phase, host);
    }
    await apply(plan, host, engine?.pidfile);
  });
}

/** reportBlock prints the plugin's block of `dokku report APP`; it never fails, which would abort the other plugins' blocks. */
async function reportBlock(app: string): Promise<void> {
  try {
    await commandReport([app]);
  } catch (error) {
    warn((error as Error).message);
  }
}

/** installAnswers writes every target's answers again (plugin:install and plugin:update). */
async function installAnswers(): Promise<void> {
  await withLockAsync(async () => {
    const { host, engine } = await snapshot({ bridge: true, vhost: allApps() });
    for (const target of [GLOBAL, ...[...host.apps.values()].filter((f) => Object.keys(f.settings).length || f.derived).map((f) => f.app)]) {
      writeAnswers(target, host, engine?.pidfile);
    }
  });
}

/** lifecycle plans and applies a clone or a rename with the facts of every app (the new app exists by then). */
async function lifecycle(newApp: string, plan: (host: HostFacts) => Plan): Promise<void> {
  await withLockAsync(async () => {
    const { host, engine } = await snapshot({ bridge: true, vhost: [newApp] });
    await apply(plan(host), host, engine?.pidfile);
  });
}

export const HOOKS: Record<string, (args: string[]) => Promise<void>> = {
  'docker-args-process-build': (args) => dockerArgs('build', args),
  'docker-args-process-deploy': (args) => dockerArgs('deploy', args),
  'docker-args-process-run': (args) => dockerArgs('run', args),
  'scheduler-deploy': ([scheduler = '', app = '', tag = '', proc = '']) => preflight('deploy', scheduler, app, tag, proc),
  'scheduler-run': ([scheduler = '', app = '']) => preflight('run', scheduler, app),
  'post-container-create': async ([kind = '', cid = '', app = '', phase = '', proc]) => {
    // a redeploy on the other port of the pair (switch.ts) records its new container; the old one serves on
    if (kind === 'app' && phase === 'deploy' && proc === 'web' && app && cid && recordNewContainer(app, cid)) return;
    await triggerPostContainerCreate(kind, cid, app, phase, proc);
  },
  'check-deploy': ([app = '', cid = '', proc = '', port = '', , index = '1']) => watchNewContainer(app, cid, proc, port, index),
  'scheduler-register-retired': async ([app = '', cid = '']) => {
    if (cid) switchRetired(cid);
    await triggerSchedulerRegisterRetired(app, cid);
  },
  'post-extract': ([app = '']) => k3sPostExtract(app),
  'post-app-clone-setup': ([oldApp = '', newApp = '']) => lifecycle(newApp, (host) => planClone(oldApp, newApp, host)),
  'post-app-rename-setup': ([oldApp = '', newApp = '']) => lifecycle(newApp, (host) => planRename(oldApp, newApp, host)),
  report: ([app = '']) => reportBlock(app),
  install: () => installAnswers(),
  uninstall: () => withLockAsync(async () => removeAllK3sComponents()),
};
