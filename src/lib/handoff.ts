// Host-mode redeploys (dokku/dokku#5219): Dokku starts the new web container while the old one still holds the port.
// post-container-create runs right before the new container starts: the plugin stops the old one there, as late as
// possible, and records the hand-off. When the new one then fails its checks, Dokku's kill_new registers it for
// retirement (plugins/scheduler-docker-local/bin/scheduler-deploy-process-container) — from an EXIT trap, after the
// deploy's locals are gone, so that call carries no app name — and the record finds the old container to start again.
import { join } from 'path';
import { containerState, inspectRunning } from './docker';
import { docker } from './exec';
import { stopTimeout } from './gather';
import { info1, warn } from './log';
import { tryResolve, webOnHost, GLOBAL } from './properties';
import { dataDir, dokkuRoot, listDir, readSettings, readText, removePath, targetDataDir, writeFileAtomic } from './store';

const handoffDir = (app: string): string => join(targetDataDir(app), 'handoff');

/** triggerPostContainerCreate: `post-container-create app CID APP PHASE [PROC]` (plugins/scheduler-docker-local). */
export async function triggerPostContainerCreate(kind: string, cid: string, app: string, phase: string, proc?: string): Promise<void> {
  if (kind !== 'app' || phase !== 'deploy' || proc !== 'web' || !cid || !app) return;
  // a web outside `processes` stays on the bridge: Dokku's zero-downtime deploy needs no hand-off
  if (!webOnHost(tryResolve(readSettings(app), readSettings(GLOBAL)).config)) return;
  const created = await containerState(cid);
  if (!created?.dyno) return;
  const old = readText(join(dokkuRoot(), app, `CONTAINER.${created.dyno}`))?.trim();
  if (!old || old === cid) return;
  // only a host-mode container holds a host port (the first host-mode deploy replaces a bridge one: no outage)
  const [previous] = await inspectRunning([old]);
  if (!previous?.running || !previous.host) return;
  await handOff(app, cid, old, created.dyno);
}

/** handOff stops the previous container of a dyno for its replacement, and records it to start again if the replacement fails. */
export async function handOff(app: string, cid: string, old: string, dyno: string): Promise<void> {
  writeFileAtomic(join(handoffDir(app), cid), `${old}\n`);
  info1(`Host networking: stopping the previous ${dyno} container so its replacement can bind the port; ${app} is down until the replacement passes its checks`);
  await withStopTimeout(app, 'stop', old);
}

/** withStopTimeout stops or restarts an app's container with the app's `ps` stop timeout, as Dokku's `docker stop -t` does. */
export async function withStopTimeout(app: string, verb: 'stop' | 'restart', id: string): Promise<void> {
  const timeout = await stopTimeout(app);
  await docker(['container', verb, ...(timeout === undefined ? [] : ['--time', String(timeout)]), id], { timeoutMs: ((timeout ?? 10) + 60) * 1000 });
}

/** findHandoff finds the record of a replacement container, whichever app it belongs to. */
function findHandoff(cid: string): { app: string; old: string; path: string } | undefined {
  for (const app of listDir(dataDir())) {
    for (const name of listDir(handoffDir(app))) {
      if (name === cid || name.startsWith(cid) || cid.startsWith(name)) {
        const path = join(handoffDir(app), name);
        return { app, old: readText(path)?.trim() ?? '', path };
      }
    }
  }
  return undefined;
}

/**
 * triggerSchedulerRegisterRetired: `scheduler-register-retired APP CID [WAIT]`. A replacement retired before it ever
 * served failed: free its port, then start the previous container again. The previous container being retired means
 * the replacement succeeded: its record goes.
 */
export async function triggerSchedulerRegisterRetired(app: string, cid: string): Promise<void> {
  if (!cid) return;
  const failed = findHandoff(cid);
  if (failed) {
    await docker(['container', 'update', '--restart=no', cid]);
    await docker(['container', 'stop', cid], { timeoutMs: 120_000 });
    const started = failed.old ? await docker(['container', 'start', failed.old]) : undefined;
    if (started?.exitCode === 0) warn(`The new web container of ${failed.app} failed; the previous one was started again and serves`);
    else warn(`The new web container of ${failed.app} failed, and the previous one could not be started again: ${started?.stderr.trim() || 'no previous container'}`);
    removePath(failed.path);
    return;
  }
  if (!app) return;
  for (const name of listDir(handoffDir(app))) {
    if (readText(join(handoffDir(app), name))?.trim() === cid) removePath(join(handoffDir(app), name));
  }
}
