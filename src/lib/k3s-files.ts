// Effects: the plugin's Kustomize component in a kustomize root of Dokku's k3s scheduler (node:fs only, no processes).
// The component's content and the kustomization edits are pure (./k3s); this module puts them on disk and takes them
// off again, exactly. Ownership is the caller's: it chowns the paths installComponent returns.
//
// Where Dokku renders from (plugins/scheduler-k3s, Dokku 0.36+; <data> = $DOKKU_LIB_ROOT/data/scheduler-k3s/<app>):
// - core-post-extract (triggers.go TriggerCorePostExtract → common/common.go CorePostExtract) first deletes every
//   <data>/kustomization.* with os.Remove, then copies the app's kustomize root (kustomize-root-path, default
//   config/kustomize) to <data>/kustomization.<DOKKU_PID>, or touches the FILE <data>/kustomization.<DOKKU_PID>.missing.
// - the chart step (chart.go → functions.go hasKustomizeDirectory / getProcessSpecificKustomizeRootPath) kustomizes
//   kustomization.<DOKKU_PID> if that directory exists, else the persistent <data>/kustomization if it exists. The
//   `.missing` check there uses DirectoryExists on what is a file, so it never matches: an app without its own
//   kustomization still renders from the persistent directory when there is one.
// - after a successful helm upgrade, core-post-deploy (common.go CorePostDeploy) renames kustomization.<DOKKU_PID> over
//   the persistent one; its `.missing` branch has the same file/directory mismatch, so the persistent directory of an
//   app without its own kustomization is never deleted. ps:restart, config changes and scheduler-k3s:preview render
//   from the persistent directory.
// - The plugin does not rely on that mismatch: once Dokku tests the marker as the file it is (FileExists), a render
//   with the marker skips the persistent directory and core-post-deploy RemoveAll's it. So where the plugin contributes
//   to the persistent directory in a deploy, it removes the marker (releaseMissingMarker): with no marker and no
//   kustomization.<DOKKU_PID>, both checks fall through to the persistent directory, as on a restart.
//
// A failed deploy: nothing removes kustomization.<DOKKU_PID> when the deploy fails after core-post-extract, and the next
// deploy's core-post-extract calls os.Remove on it, which fails on a non-empty directory ("directory not empty"), and
// the deploy with it (plugins/git/functions git_trigger_build returns 1). So the plugin never creates a
// kustomization.<DOKKU_PID> of its own: for an app that ships no kustomization it contributes to the persistent
// directory (creating it with a minimal kustomization over rendered.yaml), which the render of this deploy and of every
// later restart uses, and which a failed deploy leaves valid. Only where Dokku itself made kustomization.<DOKKU_PID>
// from the app's own files does the plugin add its component there; such a directory is already non-empty, so a
// failure leaves the next deploy as it would be without the plugin.
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'fs';
import { basename, dirname, join } from 'path';
import { PluginError } from './errors';
import { removePath } from './store';
import { COMPONENT, componentFiles, isOwnMinimal, KUSTOMIZATION_FILES, withComponent, withoutComponent, type PodNetworking } from './k3s';

/** RECORD, inside COMPONENT/, says what installComponent created outside it, so removeComponent undoes exactly that. */
export const RECORD = '.installed.json';

interface InstallRecord {
  /** the kustomization file that lists the component */
  kustomization: string;
  /** the plugin wrote that file (the root had none) */
  createdKustomization: boolean;
  /** the plugin created the root directory itself */
  createdRoot: boolean;
}

export interface KustomizeRoots {
  /** <data>/kustomization: what restarts render from, and where a successful deploy's copy ends up */
  persistent: string;
  /** <data>/kustomization.<pid>, when Dokku extracted the app's own kustomize root in this process */
  deploy?: string;
  /** <data>/kustomization.<pid>.missing exists: the app's source has no kustomize root */
  missingMarker: boolean;
  /** the process the roots are looked up for (DOKKU_PID) */
  pid: string;
  /** the directory Dokku 0.38's chart step kustomizes now (the marker tested as a directory); undefined = none */
  render?: string;
  /** where the plugin contributes in this process: the deploy copy if there is one, else the persistent directory */
  target: string;
}

const isDir = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** kustomizeRoots tells which kustomize roots of an app exist for process `pid` (DOKKU_PID), as Dokku's k3s scheduler sees them. */
export function kustomizeRoots(libRoot: string, app: string, pid: string): KustomizeRoots {
  const persistent = join(libRoot, 'data', 'scheduler-k3s', app, 'kustomization');
  const deployPath = `${persistent}.${pid}`;
  const marker = `${deployPath}.missing`;
  const deploy = isDir(deployPath) ? deployPath : undefined;
  // functions.go hasKustomizeDirectory: a marker *directory* would disable kustomize; the file Dokku touches does not
  let render: string | undefined;
  if (!isDir(marker)) render = deploy ?? (isDir(persistent) ? persistent : undefined);
  return { persistent, deploy, missingMarker: existsSync(marker), pid, render, target: deploy ?? persistent };
}

/**
 * releaseMissingMarker removes the `.missing` marker of process `pid`, whatever its type, when Dokku extracted no kustomize
 * root of the app's own (no kustomization.<pid>): the render of this deploy then uses the persistent directory and
 * core-post-deploy leaves it, whether Dokku tests the marker with DirectoryExists (0.38) or FileExists. Returns whether
 * it removed one. Only those two read the marker (the next core-post-extract deletes every kustomization.*).
 */
export function releaseMissingMarker(roots: KustomizeRoots): boolean {
  if (roots.deploy !== undefined || !roots.missingMarker) return false;
  removePath(`${roots.persistent}.${roots.pid}.missing`);
  return true;
}

/** InstalledComponent is where the plugin's component is in a root, from its record. */
export interface InstalledComponent {
  root: string;
  /** the kustomization file that lists the component */
  kustomization: string;
  /** the plugin wrote that kustomization (the app ships none); else it is the app's own, with one entry added */
  minimal: boolean;
}

/** installedComponent reads what installComponent recorded in `root`; undefined when the component is not there. */
export function installedComponent(root: string): InstalledComponent | undefined {
  const dir = join(root, COMPONENT);
  const record = isDir(dir) ? readRecord(dir) : undefined;
  const path = join(root, record?.kustomization ?? '');
  if (record === undefined || !existsSync(path)) return undefined;
  // listed in the kustomization (withComponent leaves such a file as it is), or kustomize never reads it
  try {
    const text = readFileSync(path, 'utf8');
    if (withComponent(text) !== text) return undefined;
  } catch {
    return undefined;
  }
  return { root, kustomization: join(root, record.kustomization), minimal: record.createdKustomization };
}

/** kustomizationFile names the root's kustomization file, the first Dokku recognises (helm.go KustomizeRenderer), if any. */
export function kustomizationFile(root: string): string | undefined {
  return KUSTOMIZATION_FILES.find((name) => existsSync(join(root, name)));
}

// Replace a file atomically (a reader sees the old or the new text), keeping the mode of the file it replaces.
function writeFile(path: string, text: string, mode = 0o600): void {
  let keep = mode;
  try {
    keep = statSync(path).mode & 0o7777;
  } catch {
    // new file
  }
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const fd = openSync(temp, 'wx', keep);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(temp, keep);
  renameSync(temp, path);
}

function readRecord(dir: string): InstallRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(join(dir, RECORD), 'utf8')) as InstallRecord;
    if (typeof record.kustomization === 'string' && (KUSTOMIZATION_FILES as readonly string[]).includes(record.kustomization)) return record;
  } catch {
    // no record: not ours
  }
  return undefined;
}

function mkdir(path: string, created: string[]): void {
  mkdirSync(path);
  chmodSync(path, 0o755);
  created.push(path);
}

/**
 * installComponent writes COMPONENT/ into `root` and lists it in the root's kustomization (the user's file, edited in
 * place, or the plugin's minimal one when there is none; the root is created when missing). Idempotent; a second call
 * with other input replaces the component. Returns the paths it created or rewrote, for the caller to chown.
 * Throws PluginError when `root` already holds a COMPONENT directory the plugin did not make, or is a missing
 * kustomization.<pid> (the plugin never creates one: pass kustomizeRoots(...).target).
 */
export function installComponent(root: string, input: PodNetworking): string[] {
  const files = componentFiles(input);
  const written: string[] = [];
  const dir = join(root, COMPONENT);
  let record: InstallRecord | undefined;
  if (existsSync(dir)) {
    record = readRecord(dir);
    if (record === undefined) {
      throw new PluginError(`${dir} exists and was not made by the network-host plugin: rename it (the plugin needs that name for its kustomize component)`);
    }
  }
  const createdRoot = record?.createdRoot ?? !isDir(root);
  if (!isDir(root)) {
    // the rule above: a per-process root exists only when Dokku made it from the app's files
    if (/^kustomization\.[0-9]+$/.test(basename(root))) throw new PluginError(`${root} does not exist: Dokku did not extract a kustomize root in this deploy`);
    // <data> itself is missing when the app was never extracted (first setting before the first deploy)
    const missing: string[] = [];
    for (let path = root; !existsSync(path); path = dirname(path)) missing.unshift(path);
    for (const path of missing) mkdir(path, written);
  }
  const existing = kustomizationFile(root);
  const name = existing ?? 'kustomization.yaml';
  const next: InstallRecord = {
    kustomization: name,
    createdKustomization: existing === undefined || (record?.createdKustomization === true && record.kustomization === name),
    createdRoot,
  };

  // the component first, the entry last: an interruption leaves an unused directory, never a dangling entry
  if (!isDir(dir)) mkdir(dir, written);
  for (const [file, text] of Object.entries(files)) {
    const path = join(dir, file);
    if (existsSync(path) && readFileSync(path, 'utf8') === text) continue;
    writeFile(path, text);
    written.push(path);
  }
  for (const stale of readdirSync(dir)) {
    if (stale !== RECORD && !(stale in files)) removePath(join(dir, stale));
  }
  const recordText = `${JSON.stringify(next)}\n`;
  if (!existsSync(join(dir, RECORD)) || readFileSync(join(dir, RECORD), 'utf8') !== recordText) {
    writeFile(join(dir, RECORD), recordText);
    written.push(join(dir, RECORD));
  }

  const path = join(root, name);
  const current = existing === undefined ? undefined : readFileSync(path, 'utf8');
  const updated = withComponent(current);
  if (updated !== current) {
    writeFile(path, updated);
    written.push(path);
  }
  return written;
}

/**
 * removeComponent takes off exactly what installComponent put in `root`: the plugin's entry in the kustomization (or
 * the whole file when it is still the plugin's minimal one), COMPONENT/, and the root itself when the plugin created it
 * and nothing but Dokku's rendered.yaml is left (a root without a kustomization file would fail every render).
 * A COMPONENT directory without the plugin's record is left alone. Idempotent.
 * Returns the kustomization it rewrote (the user's file), for the caller to chown.
 */
export function removeComponent(root: string): string[] {
  const dir = join(root, COMPONENT);
  if (!isDir(dir)) return [];
  const record = readRecord(dir);
  if (record === undefined) return [];
  const name = kustomizationFile(root);
  const rewritten: string[] = [];
  if (name !== undefined) {
    const path = join(root, name);
    const text = readFileSync(path, 'utf8');
    if (name === record.kustomization && record.createdKustomization && isOwnMinimal(text)) {
      unlinkSync(path);
    } else {
      const updated = withoutComponent(text);
      if (updated !== text) {
        writeFile(path, updated);
        rewritten.push(path);
      }
    }
  }
  removePath(dir);
  if (record.createdRoot && readdirSync(root).every((entry) => entry === 'rendered.yaml')) removePath(root);
  return rewritten;
}
