// Effects: the plugin's Kustomize component in the kustomize roots of apps on Dokku's k3s scheduler (docs/k3s.md).
// A command that changes the mode edits the persistent root, which ps:restart renders from; each build's post-extract
// edits the root that deploy renders from (k3s-files.ts, kustomizeRoots), and, for an app without a kustomize root of
// its own, takes away Dokku's `.missing` marker so the render reaches the persistent root whichever way Dokku tests it.
import { join } from 'path';
import { installComponent, installedComponent, kustomizeRoots, releaseMissingMarker, removeComponent, type InstalledComponent } from './k3s-files';
import type { PodNetworking } from './k3s';
import { warn } from './log';
import { k3sNetworking } from './pipeline';
import { GLOBAL, tryResolve } from './properties';
import { libRoot, listDir, ownPaths, readSettings } from './store';
import { snapshot } from './gather';

const appRoots = (app: string) => kustomizeRoots(libRoot(), app, process.env.DOKKU_PID ?? '');

export function installK3sComponent(app: string, networking: PodNetworking): void {
  ownPaths(installComponent(appRoots(app).persistent, networking));
}

export function removeK3sComponent(app: string): void {
  ownPaths(removeComponent(appRoots(app).persistent));
}

/** k3sPostExtract gives this deploy's render the component (or takes it away after the mode went off). */
export async function k3sPostExtract(app: string): Promise<void> {
  const { host } = await snapshot({ apps: [app], k3s: true });
  const facts = host.apps.get(app);
  if (!facts || facts.scheduler !== 'k3s') return;
  const warnings: string[] = [];
  const networking = k3sNetworking(facts, tryResolve(facts.settings, readSettings(GLOBAL)).config, host, warnings);
  const roots = appRoots(app);
  if (networking) {
    ownPaths(installComponent(roots.target, networking));
    releaseMissingMarker(roots);
  } else ownPaths(removeComponent(roots.target));
  for (const warning of warnings) warn(warning);
}

/** k3sComponent says where the app's component is for restarts and the next render: its persistent root, if there. */
export const k3sComponent = (app: string): InstalledComponent | undefined => installedComponent(appRoots(app).persistent);

/** removeAllK3sComponents takes the component out of every app's persistent root (plugin:uninstall). */
export function removeAllK3sComponents(): void {
  // uninstall runs as root: the user's kustomization it rewrites goes back to the dokku user
  for (const app of listDir(join(libRoot(), 'data', 'scheduler-k3s'))) ownPaths(removeComponent(appRoots(app).persistent));
}
