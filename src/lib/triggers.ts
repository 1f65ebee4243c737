// The library behind the lifecycle triggers (argument orders from contract §4.2).
import { commandReport } from './subcommands';
import { PLUGIN } from './properties';
import { syncDockerOptions } from './sync';
import { cloneSettings, destroyAll, destroySettings } from './store';

/** triggerPostDelete forgets a destroyed app's settings. */
export const triggerPostDelete = (app: string): void => destroySettings(app);

/** triggerPostAppCloneSetup gives the clone the same settings. */
export const triggerPostAppCloneSetup = (oldApp: string, newApp: string): void => cloneSettings(oldApp, newApp);

/** triggerPostAppRenameSetup copies before Dokku destroys the old app (its post-delete runs before post-app-rename). */
export function triggerPostAppRenameSetup(oldApp: string, newApp: string): void {
  cloneSettings(oldApp, newApp);
  destroySettings(oldApp);
}

/** triggerReport prints the plugin's block of `dokku report APP`; it never fails, which would abort the other plugins' blocks. */
export async function triggerReport(app: string): Promise<number> {
  await commandReport([app]);
  return 0;
}

/** triggerUninstall removes the plugin's settings, only when the uninstalled plugin is this one (every plugin gets the call). */
export function triggerUninstall(plugin: string | undefined): void {
  if (plugin === PLUGIN) destroyAll();
}


/** triggerPostCreate gives a new app the global apply=docker-options entries (docker-args triggers need nothing). */
export const triggerPostCreate = async (app: string): Promise<void> => void (await syncDockerOptions(app));
