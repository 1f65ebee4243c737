// Effects: the plugin's files. Settings live in Dokku's property layout, $DOKKU_LIB_ROOT/config/network-host/<app|--global>/<key>
// (plugins/common/properties.go); the plugin's own state (precomputed trigger answers, hand-off records, the labels it
// wrote into another plugin's store) lives in $DOKKU_LIB_ROOT/data/network-host/<app|--global>/.
import { chmodSync, chownSync, closeSync, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmdirSync, statSync, unlinkSync, writeSync } from 'fs';
import { dirname, join, relative, sep } from 'path';
import { PluginError } from './errors';
import { GLOBAL, KEYS, PLUGIN, type Settings } from './properties';

// Dokku's app-name rule (common.IsValidAppName); checked before any path is built, so no name can leave the store.
const APP_NAME = /^[a-z0-9][a-z0-9.-]*$/;

export const libRoot = (): string => process.env.DOKKU_LIB_ROOT || '/var/lib/dokku';
export const dokkuRoot = (): string => process.env.DOKKU_ROOT || '/home/dokku';
export const configDir = (): string => join(libRoot(), 'config', PLUGIN);
export const dataDir = (): string => join(libRoot(), 'data', PLUGIN);

/** checkAppName throws Dokku's message for a name that cannot be an app (also rejects `..`, slashes, leading dashes). */
export function checkAppName(app: string): void {
  if (app === '') throw new PluginError('Please specify an app to run the command on');
  if (!APP_NAME.test(app) || app.includes('..')) {
    throw new PluginError('App name must begin with lowercase alphanumeric character, and may only contain lowercase alphanumerics, dots, and hyphens');
  }
}

const safeTarget = (target: string): string => {
  if (target !== GLOBAL) checkAppName(target);
  return target;
};
export const settingsDir = (target: string): string => join(configDir(), safeTarget(target));
export const targetDataDir = (target: string): string => join(dataDir(), safeTarget(target));

/** readText is a file's text, or undefined when there is none (most looked-for files do not exist: no exception then). */
export const readText = (path: string): string | undefined => {
  if (!existsSync(path)) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

export const isDir = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

export const listDir = (path: string): string[] => {
  if (!existsSync(path)) return [];
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
};

/**
 * removePath deletes a file, or a directory with everything in it, and is quiet when there is nothing (`rm -rf`). Node
 * 12 has no fs.rmSync, and its recursive rmdir is deprecated from 16 on. Links are removed, never followed.
 */
export function removePath(path: string): void {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return;
  }
  if (!stat.isDirectory()) return unlinkSync(path);
  for (const name of readdirSync(path)) removePath(join(path, name));
  rmdirSync(path);
}

/**
 * linkBetween tells whether a directory from `base` down to `path` is a symbolic link. The plugin's directories belong
 * to the dokku user, while install and uninstall run as root: writing or deleting through a link planted there would
 * reach anywhere (the sh entry's own_dirs refuses links the same way).
 */
export function linkBetween(base: string, path: string): boolean {
  const parts = relative(base, path).split(sep).filter(Boolean);
  let at = base;
  for (const part of ['', ...parts]) {
    at = part ? join(at, part) : at;
    try {
      if (lstatSync(at).isSymbolicLink()) return true;
    } catch {
      return false;
    }
  }
  return false;
}

/** readSettings returns the stored values of one app (or --global); missing keys are absent. */
export function readSettings(target: string): Settings {
  const dir = settingsDir(target);
  const settings: Settings = {};
  const names = listDir(dir);
  for (const key of KEYS) {
    const text = names.includes(key) ? readText(join(dir, key)) : undefined;
    if (text !== undefined) settings[key] = text.replace(/\n$/, '');
  }
  return settings;
}

// Files and directories belong to the dokku user, also when a hook runs as root (as Dokku's prop helper does).
let owner: { uid: number; gid: number } | null | undefined;
function dokkuOwner(): { uid: number; gid: number } | null {
  if (owner !== undefined) return owner;
  owner = null;
  if (process.getuid?.() !== 0) return owner;
  const find = (file: string, name: string): number | undefined => {
    const line = readText(file)
      ?.split('\n')
      .find((l) => l.split(':')[0] === name);
    return line ? Number(line.split(':')[2]) : undefined;
  };
  const uid = find('/etc/passwd', process.env.DOKKU_SYSTEM_USER || 'dokku');
  const gid = find('/etc/group', process.env.DOKKU_SYSTEM_GROUP || 'dokku');
  if (uid !== undefined && gid !== undefined) owner = { uid, gid };
  return owner;
}

function own(path: string, mode: number): void {
  chmodSync(path, mode);
  const ids = dokkuOwner();
  if (ids) chownSync(path, ids.uid, ids.gid);
}

/** ownPaths hands paths another module wrote to the dokku user (when running as root); their modes stay. */
export function ownPaths(paths: string[]): void {
  const ids = dokkuOwner();
  if (ids) for (const path of paths) chownSync(path, ids.uid, ids.gid);
}

/** ensureDir creates a directory below $DOKKU_LIB_ROOT, each new level 0755 and owned by dokku. */
export function ensureDir(dir: string): void {
  if (existsSync(dir)) return;
  ensureDir(dirname(dir));
  mkdirSync(dir);
  own(dir, 0o755);
}

/** writeFileAtomic replaces a file atomically (readers see the old or the new file, never half of one), 0600 and dokku's. */
export function writeFileAtomic(path: string, text: string): void {
  ensureDir(dirname(path));
  const temp = join(dirname(path), `.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  own(temp, 0o600);
  renameSync(temp, path);
}

/** writeSettings makes a target's stored settings exactly these (keys left out are deleted). */
export function writeSettings(target: string, settings: Settings): void {
  updateSettings(target, readSettings(target), settings);
}

/**
 * updateSettings writes only the keys that differ between before (what a plan was made from) and after: a key another
 * command wrote meanwhile stays, instead of being reverted to the plan's snapshot (docs/derived-arguments.md).
 */
export function updateSettings(target: string, before: Settings, after: Settings): void {
  const dir = settingsDir(target);
  for (const key of KEYS) {
    const value = after[key];
    if (value === before[key]) continue;
    if (value === undefined) removePath(join(dir, key));
    else writeFileAtomic(join(dir, key), value);
  }
}

/** destroyTarget removes everything the plugin stores for an app (its settings and its data). */
export function destroyTarget(target: string): void {
  removePath(settingsDir(target));
  removePath(targetDataDir(target));
}

/** readRecord reads one of the plugin's `name=value` record files (e.g. the labels it wrote); absent means empty. */
export function readRecord(path: string): Record<string, string> {
  const record: Record<string, string> = {};
  for (const line of (readText(path) ?? '').split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) record[line.slice(0, at)] = line.slice(at + 1);
  }
  return record;
}

export function writeRecord(path: string, record: Record<string, string>): void {
  const lines = Object.entries(record).map(([name, value]) => `${name}=${value}`);
  if (lines.length === 0) removePath(path);
  else writeFileAtomic(path, `${lines.join('\n')}\n`);
}
