// Effects: the property store, in Dokku's layout $DOKKU_LIB_ROOT/config/network-host/<app|--global>/<key> (contract §4.1).
import { chmodSync, chownSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PluginError } from './errors';
import { KEYS, PLUGIN, type Key, type Settings } from './properties';

export const GLOBAL = '--global';
// Dokku's app-name rule (common.IsValidAppName); checked before any path is built, so no name can leave the store.
const APP_NAME = /^[a-z0-9][a-z0-9.-]*$/;

export const libRoot = (): string => process.env.DOKKU_LIB_ROOT || '/var/lib/dokku';
export const pluginConfigDir = (): string => join(libRoot(), 'config', PLUGIN);

/** checkAppName throws Dokku's message for a name that cannot be an app (also rejects `..`, slashes, leading dashes). */
export function checkAppName(app: string): void {
  if (app === '') throw new PluginError('Please specify an app to run the command on');
  if (!APP_NAME.test(app) || app.includes('..')) {
    throw new PluginError('App name must begin with lowercase alphanumeric character, and may only contain lowercase alphanumerics, dots, and hyphens');
  }
}

function targetDir(target: string): string {
  if (target !== GLOBAL) checkAppName(target);
  return join(pluginConfigDir(), target);
}

/** readSettings returns the stored values of one app (or --global); missing keys are absent. */
export function readSettings(target: string): Settings {
  const dir = targetDir(target);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return {};
  }
  const settings: Settings = {};
  for (const key of KEYS) {
    if (names.includes(key)) settings[key] = readFileSync(join(dir, key), 'utf8').replace(/\n$/, '');
  }
  return settings;
}

// Files and directories belong to the dokku user, also when a trigger runs as root (contract §1.5, §4.1).
let owner: { uid: number; gid: number } | null | undefined;
function dokkuOwner(): { uid: number; gid: number } | null {
  if (owner !== undefined) return owner;
  owner = null;
  if (process.getuid?.() !== 0) return owner;
  const find = (file: string, name: string): number | undefined => {
    try {
      const line = readFileSync(file, 'utf8').split('\n').find((l) => l.split(':')[0] === name);
      return line ? Number(line.split(':')[2]) : undefined;
    } catch {
      return undefined;
    }
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

function ensureDir(dir: string): void {
  for (const path of [join(libRoot(), 'config'), pluginConfigDir(), dir]) {
    if (existsSync(path)) continue;
    mkdirSync(path, { recursive: true });
    own(path, 0o755);
  }
}

/** setupConfigDir creates the plugin's config directory (idempotent), as fn-plugin-property-setup does. */
export const setupConfigDir = (): void => ensureDir(pluginConfigDir());

/** writeSetting replaces a value atomically: readers see the old or the new file, never half of one. */
export function writeSetting(target: string, key: Key | InternalKey, value: string): void {
  const dir = targetDir(target);
  ensureDir(dir);
  const temp = join(dir, `.${key}.${process.pid}.${Math.random().toString(36).slice(2)}`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, value);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  own(temp, 0o600);
  renameSync(temp, join(dir, key));
}

export function deleteSetting(target: string, key: Key | InternalKey): void {
  try {
    unlinkSync(join(targetDir(target), key));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** dataDir holds an app's runtime state (host-mode redeploy hand-offs), apart from its settings. */
export function dataDir(app: string): string {
  checkAppName(app);
  return join(libRoot(), 'data', PLUGIN, app);
}

/** destroySettings removes everything stored for an app (post-delete), its runtime state included. */
export function destroySettings(target: string): void {
  rmSync(targetDir(target), { recursive: true, force: true });
  if (target !== GLOBAL) rmSync(dataDir(target), { recursive: true, force: true });
}

/** destroyAll removes the plugin's whole config directory (uninstall). */
export const destroyAll = (): void => rmSync(pluginConfigDir(), { recursive: true, force: true });

/** cloneSettings copies every stored file of one app to another (clone and rename); nothing stored, nothing copied. */
export function cloneSettings(from: string, to: string): void {
  const source = targetDir(from);
  let names: string[];
  try {
    names = readdirSync(source).filter((name) => !name.startsWith('.'));
  } catch {
    return;
  }
  for (const name of names) writeSetting(to, name as Key | InternalKey, readFileSync(join(source, name), 'utf8'));
}

/** InternalKey files hold the plugin's own bookkeeping, next to the settings but never set by the user. */
export type InternalKey = 'applied-docker-options';

export function readInternal(target: string, key: InternalKey): string | undefined {
  try {
    return readFileSync(join(targetDir(target), key), 'utf8');
  } catch {
    return undefined;
  }
}


