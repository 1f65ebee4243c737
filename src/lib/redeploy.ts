// Host-mode redeploys (dokku/dokku#5219): Dokku starts the new web container while the old one still holds the port.
// post-container-create stops the old one just before the new one starts; if the new one then fails its checks,
// Dokku's kill_new registers it for retirement and scheduler-register-retired brings the old one back.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from './docker-args';
import { dokkuRoot, hostModeApps } from './dokku';
import { PluginError } from './errors';
import { docker } from './exec';
import { info1, warn } from './log';
import { dataDir } from './store';

interface NewContainer {
  dyno: string;
  port?: number;
}

async function describe(cid: string): Promise<NewContainer> {
  const result = await docker(['container', 'inspect', '--format', '{{index .Config.Labels "com.dokku.dyno"}}{{range .Config.Env}} {{.}}{{end}}', cid]);
  if (result.exitCode !== 0) throw new PluginError(`Unable to inspect container ${cid}: ${result.stderr.trim()}`);
  const [dyno = '', ...env] = result.stdout.trim().split(' ');
  const port = env.reverse().find((e) => e.startsWith('PORT='))?.slice(5);
  return { dyno, port: port ? Number(port) : undefined };
}

const readId = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
};

/** hostPortOwner finds another host-mode app whose deployed web container records the same port. */
function hostPortOwner(app: string, port: number): string | undefined {
  return hostModeApps(app).find((other) => {
    const dir = join(dokkuRoot(), other);
    return readdirSync(dir).some((name) => name.startsWith('PORT.web.') && readId(join(dir, name)) === String(port));
  });
}

/** triggerPostContainerCreate: `post-container-create app CID APP PHASE [PROC]` (contract §5). */
export async function triggerPostContainerCreate(kind: string, cid: string, app: string, phase: string, proc?: string): Promise<void> {
  if (kind !== 'app' || phase !== 'deploy' || proc !== 'web') return;
  const config = loadConfig(app);
  if (config.mode !== 'host' || !config.phases.includes('deploy')) return;
  const { dyno, port } = await describe(cid);
  const refuse = async (message: string): Promise<never> => {
    await docker(['container', 'rm', '--force', cid]);
    throw new PluginError(message);
  };
  if (dyno !== 'web.1') {
    await refuse(`${app} is in host mode: a second web container (${dyno}) would bind the same port ${port ?? ''}. Fix: dokku ps:scale ${app} web=1`);
  }
  const owner = port === undefined ? undefined : hostPortOwner(app, port);
  if (owner) {
    await refuse(`Host-mode app ${owner} already uses port ${port}. Fix: give ${app} another port, e.g. dokku ports:set ${app} http:80:${port! + 1}`);
  }
  const old = readId(join(dokkuRoot(), app, `CONTAINER.${dyno}`));
  if (!old || old === cid) return;
  const state = await docker(['container', 'inspect', '--format', '{{.State.Running}}', old]);
  if (state.stdout.trim() !== 'true') return;
  info1(`Host networking: stopping the previous ${dyno} container so its replacement can bind port ${port ?? ''}`);
  mkdirSync(dataDir(app), { recursive: true });
  writeFileSync(join(dataDir(app), cid), old);
  await docker(['container', 'stop', old], { timeoutMs: 120_000 });
}

/** triggerSchedulerRegisterRetired: `scheduler-register-retired APP CID [WAIT]`; a failed replacement hands the port back. */
export async function triggerSchedulerRegisterRetired(app: string, cid: string): Promise<void> {
  const dir = dataDir(app);
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const old = readId(join(dir, name));
    if (cid.startsWith(name) || name.startsWith(cid)) {
      // The replacement is being retired before it ever served: it failed. Free the port, then restart the old one.
      await docker(['container', 'update', '--restart=no', name]);
      await docker(['container', 'stop', name], { timeoutMs: 120_000 });
      if (old) {
        const started = await docker(['container', 'start', old]);
        if (started.exitCode === 0) warn(`The new web container of ${app} failed; the previous one was restarted and serves again`);
        else warn(`The new web container of ${app} failed, and the previous one could not be restarted: ${started.stderr.trim()}`);
      }
      rmSync(join(dir, name), { force: true });
    } else if (old && (cid.startsWith(old) || old.startsWith(cid))) {
      rmSync(join(dir, name), { force: true }); // the old one is retired after a successful deploy
    }
  }
}

