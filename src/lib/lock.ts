// Effects: the plugin's one lock. Dokku serialises only a git deploy of one app (plugins/common/functions,
// acquire_app_deploy_lock, taken in plugins/git/functions receive-app); ps:rebuild, ps:restart, ps:scale and every
// plugin command run concurrently with deploys and with each other. So every path that plans and writes the plugin's
// settings, and every derivation of the trigger answers, holds this lock (docs/derived-arguments.md).
//
// Node 12 has no flock: the lock is a file created atomically (a hard link of a complete temporary file, so it is never
// seen half written) that names its holder. A holder that died (SIGKILL, OOM, a reboot) is recognised by its pid and
// its process start time (a reused pid starts at another time), and its lock is taken away under a second, short-lived
// file, so two waiters never both break it. A live holder is waited for a bounded time, never forever.
import { closeSync, linkSync, openSync, statSync, unlinkSync, writeSync } from 'fs';
import { join } from 'path';
import { PluginError } from './errors';
import { GLOBAL } from './properties';
import { ensureDir, readText, targetDataDir } from './store';

/**
 * lockPath is in the global target's data directory: the top of data/network-host/ holds only app names (the hand-off
 * lookup reads every entry there as one), and no app can be named --global.
 */
export const lockPath = (): string => join(targetDataDir(GLOBAL), 'lock');

/**
 * LOCK_ENV carries the holder's token to the processes it starts (the dokku script keeps the environment: its
 * `sudo -u dokku -E`): a plugin trigger run by `dokku docker-options:remove` while a command holds the lock acts on its behalf.
 */
export const LOCK_ENV = 'DOKKU_NETWORK_HOST_LOCK';
/** LOCK_WAIT_MS bounds the wait for a live holder: a command holds the lock for a snapshot, a plan and its writes. */
export const LOCK_WAIT_MS = 60_000;
/** A breaker file is held for microseconds: one older than this was left by a killed process. */
const BREAKER_STALE_MS = 10_000;

/** LockBusyError: the lock stayed held by a live process for the whole wait. */
export class LockBusyError extends PluginError {
  constructor(path: string, holder: string, waitedMs: number) {
    super(
      `network-host's lock ${path} is held by ${holder}; waited ${Math.round(waitedMs / 1000)} s. ` +
        `Try again when it is done, or remove the file if no network-host command or deploy is running: rm ${path}`,
    );
    this.name = 'LockBusyError';
  }
}

interface Holder {
  pid: number;
  start: string;
  token: string;
  command: string;
}

let depth = 0;
let ownToken: string | undefined;
const pause = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms: number): void => void Atomics.wait(pause, 0, 0, ms);

/** processStart is field 22 of /proc/<pid>/stat (start time in clock ticks since boot), after the parenthesised name. */
export function processStart(pid: number): string | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

function parseHolder(text: string | undefined): Holder | undefined {
  const [pid, start, token, ...command] = (text ?? '').replace(/\n$/, '').split(' ');
  if (!pid || !/^\d+$/.test(pid) || start === undefined || !token) return undefined;
  return { pid: Number(pid), start, token, command: command.join(' ') };
}

/** alive: the holder's process still runs (EPERM: it runs as another user, e.g. root's plugin:install). */
function alive(holder: Holder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const start = processStart(holder.pid);
  return start === undefined || holder.start === '' || start === holder.start;
}

const ageMs = (path: string): number => {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
};

/**
 * tryCreate creates the lock with its content in one step, or returns false when it exists. 0644: waiters of the other
 * user (root's plugin:install, the dokku user's commands) read who holds it.
 */
function tryCreate(path: string, text: string): boolean {
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const fd = openSync(temp, 'wx', 0o644);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temp);
  }
}

const unlinkQuiet = (path: string): void => {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
};

/** breakStale removes the lock only if it still holds exactly what was seen stale, under the breaker file. */
function breakStale(path: string, seen: string): void {
  const breaker = `${path}.break`;
  let fd: number;
  try {
    fd = openSync(breaker, 'wx', 0o644);
  } catch {
    if (ageMs(breaker) > BREAKER_STALE_MS) unlinkQuiet(breaker);
    return;
  }
  closeSync(fd);
  try {
    if (readText(path) === seen) unlinkQuiet(path);
  } finally {
    unlinkQuiet(breaker);
  }
}

/**
 * acquireLock takes the lock (re-entrant within the process and for the processes it starts) and returns its release.
 * It waits up to waitMs for a live holder, then throws LockBusyError naming the lock file.
 */
export function acquireLock(waitMs = LOCK_WAIT_MS): () => void {
  const path = lockPath();
  const release = (): void => {
    depth--;
    if (depth > 0 || ownToken === undefined) return;
    if (parseHolder(readText(path))?.token === ownToken) unlinkQuiet(path);
    ownToken = undefined;
    delete process.env[LOCK_ENV];
  };
  if (depth > 0) {
    depth++;
    return release;
  }
  const inherited = process.env[LOCK_ENV];
  if (inherited && parseHolder(readText(path))?.token === inherited) {
    // The parent holds it: nothing to take, nothing to give back.
    return () => undefined;
  }
  ensureDir(targetDataDir(GLOBAL));
  const token = `${process.pid}.${Math.random().toString(36).slice(2)}`;
  const text = `${process.pid} ${processStart(process.pid) ?? ''} ${token} ${process.argv.slice(2).join(' ')}\n`;
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(path, text)) {
      depth = 1;
      ownToken = token;
      process.env[LOCK_ENV] = token;
      return release;
    }
    const seen = readText(path);
    if (seen === undefined) continue;
    const holder = parseHolder(seen);
    if (holder ? !alive(holder) : ageMs(path) > BREAKER_STALE_MS) {
      breakStale(path, seen);
      continue;
    }
    const waited = Date.now() - started;
    if (waited >= waitMs) {
      throw new LockBusyError(path, holder ? `process ${holder.pid}${holder.command ? ` (${holder.command})` : ''}` : 'an unreadable holder', waited);
    }
    sleep(Math.min(20 + attempt * 10, 200, Math.max(1, waitMs - waited)));
  }
}

/** withLock runs fn holding the lock. */
export function withLock<T>(fn: () => T, waitMs?: number): T {
  const release = acquireLock(waitMs);
  try {
    return fn();
  } finally {
    release();
  }
}

/** withLockAsync runs an async fn holding the lock until its promise settles. */
export async function withLockAsync<T>(fn: () => Promise<T>, waitMs?: number): Promise<T> {
  const release = acquireLock(waitMs);
  try {
    return await fn();
  } finally {
    release();
  }
}
