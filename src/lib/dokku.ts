// Effects: what the plugin asks of Dokku itself (apps, deploy state, rebuilds).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AppNotFoundError } from './errors';
import { dokku } from './exec';
import { resolveConfig } from './properties';
import { checkAppName, GLOBAL, readSettings } from './store';

export const dokkuRoot = (): string => process.env.DOKKU_ROOT || '/home/dokku';

const isDir = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** verifyApp mirrors Dokku's VerifyAppName: a valid name with an app directory, else exit 20. */
export function verifyApp(app: string): void {
  checkAppName(app);
  if (!isDir(join(dokkuRoot(), app))) throw new AppNotFoundError(app);
}

/** listApps mirrors Dokku's app listing: directories of DOKKU_ROOT not starting with a dot or an upper-case letter. */
export function listApps(): string[] {
  let names: string[];
  try {
    names = readdirSync(dokkuRoot());
  } catch {
    return [];
  }
  return names.filter((name) => !/^[.A-Z]/.test(name) && isDir(join(dokkuRoot(), name))).sort();
}

/** hostModeApps lists the apps other than `except` whose computed mode is host with the deploy phase (their web
 * containers bind ports on the host); apps with an unreadable setting are left out. */
export function hostModeApps(except: string): string[] {
  const global = readSettings(GLOBAL);
  return listApps().filter((app) => {
    if (app === except) return false;
    try {
      const config = resolveConfig(readSettings(app), global);
      return config.mode === 'host' && config.phases.includes('deploy');
    } catch {
      return false;
    }
  });
}

/** isDeployed asks ps:report, which knows Dokku's own notion of "deployed" (scheduler-aware, cached). */
export async function isDeployed(app: string): Promise<boolean> {
  const result = await dokku(['ps:report', app, '--deployed']);
  return result.exitCode === 0 && result.stdout.trim() === 'true';
}

/** rebuild runs `dokku ps:rebuild APP` with its output streamed to the user and returns its exit status. */
export async function rebuild(app: string): Promise<number> {
  return (await dokku(['ps:rebuild', app], { stream: true })).exitCode;
}

/** appContainerIds reads the container IDs the docker-local scheduler records per process ($DOKKU_ROOT/APP/CONTAINER.<proc>.<n>). */
export function appContainerIds(app: string): string[] {
  const dir = join(dokkuRoot(), app);
  try {
    return readdirSync(dir)
      .filter((name) => name.startsWith('CONTAINER.'))
      .map((name) => readFileSync(join(dir, name), 'utf8').trim())
      .filter((id) => /^[0-9a-f]{12,64}$/.test(id));
  } catch {
    return [];
  }
}
