// Effects: the precomputed answers of the docker-args triggers (docs/derived-arguments.md). Settings change rarely and
// deploys read them constantly, so every write leaves, per target, the text each trigger call prints; the sh entry
// (src/sh/hook.sh) prints it without starting Node. They are never the source of truth: the sh entry falls back to
// Node when they are missing or older than a setting, and Node writes them again.
import { statSync } from 'fs';
import { join } from 'path';
import type { HostFacts } from './model';
import { planContext } from './pipeline';
import { deriveArguments, renderDerivedFile } from './plan';
import { GLOBAL, tryResolve } from './properties';
import { untouchedBlock } from './report';
import { withLock } from './lock';
import { dataDir, linkBetween, listDir, readSettings, readText, removePath, settingsDir, targetDataDir, writeFileAtomic } from './store';
import { warn } from './log';

/** STAMP is written last: the sh entry trusts the answers only when it is newer than every setting they come from. */
const STAMP = 'stamp';
/** BRIDGE names dockerd's pidfile when an answer holds the bridge address: a daemon restart (a new pidfile) voids it. */
const BRIDGE = 'bridge';
/** REPORT is the report block of apps without settings while the global mode is off (the sh `report` entry prints it). */
const REPORT = 'report';

export const answersDir = (target: string): string => join(targetDataDir(target), 'args');

export interface Answers {
  files: Record<string, string>;
}

/** expectedAnswers are the files a target's answers consist of, from the one planner. */
export function expectedAnswers(target: string, host: HostFacts, pidfile: string | undefined): Answers | undefined {
  // Settings are read again: a plan's writes come before its answers.
  const global = readSettings(GLOBAL);
  const resolved = tryResolve(target === GLOBAL ? {} : readSettings(target), global);
  if (!resolved.config) return undefined;
  const facts = target === GLOBAL ? undefined : host.apps.get(target);
  const set = deriveArguments(resolved.config, planContext(facts, resolved.config, { ...host, global }));
  const files: Record<string, string> = {};
  for (const [name, file] of Object.entries(set.files)) files[name] = renderDerivedFile(file);
  if (set.usesBridge) files[BRIDGE] = `${pidfile ?? ''}\n`;
  if (target === GLOBAL && resolved.config.mode === 'off') files[REPORT] = untouchedBlock(global);
  return { files };
}

/** ATTEMPTS bounds how often answers are derived again when their settings change while they are written. */
const ATTEMPTS = 3;

/**
 * writeAnswers writes a target's answers, holding the lock (lock.ts): the stamp goes first (readers fall back to Node
 * meanwhile) and comes back last, only if the settings are still those the answers were derived from. A target whose
 * settings do not resolve gets none, so its triggers fail with the reason, from Node.
 */
export function writeAnswers(target: string, host: HostFacts, pidfile: string | undefined, waitMs?: number): void {
  if (linkBetween(dataDir(), answersDir(target))) {
    warn(`network-host: ${answersDir(target)} leads through a symbolic link, so its answers are not written (remove the link; the triggers ask Node meanwhile)`);
    return;
  }
  withLock(() => {
    const dir = answersDir(target);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const read = sourcesRecord(target);
      removePath(join(dir, STAMP));
      const answers = expectedAnswers(target, host, pidfile);
      if (!answers) {
        removePath(dir);
        return;
      }
      // Dot files are other writers' temporary files (writeFileAtomic): never taken away from under them.
      for (const name of listDir(dir)) if (!name.startsWith('.') && !(name in answers.files)) removePath(join(dir, name));
      for (const [name, text] of Object.entries(answers.files)) writeFileAtomic(join(dir, name), text);
      writeStamp(join(dir, STAMP), target);
      // A setting written after this check is not older than the stamp, so the sh entry asks Node for it; one written
      // before it shows here: the answers may come from the old value and must not be vouched for.
      if (sourcesRecord(target) === read) return;
      removePath(join(dir, STAMP));
    }
  }, waitMs);
}

/** sourcesFor are the setting directories a target's answers come from (the app's and the global ones). */
const sourcesFor = (target: string): string[] => [...new Set([settingsDir(target), settingsDir(GLOBAL)])];

const identity = (path: string): string => {
  try {
    const stat = statSync(path, { bigint: true });
    return `${stat.ino}:${stat.mtimeNs}`;
  } catch {
    return '-';
  }
};

/**
 * sourcesRecord is what the answers are derived from, to compare after writing: every setting file's identity (a
 * replaced file is a new inode), time and text, and the directories' times (a file added or removed).
 */
function sourcesRecord(target: string): string {
  return JSON.stringify(
    sourcesFor(target).map((dir) => [dir, identity(dir), listDir(dir).sort().map((name) => [name, identity(join(dir, name)), readText(join(dir, name)) ?? null])]),
  );
}

const mtime = (path: string): bigint => {
  try {
    return statSync(path, { bigint: true }).mtimeNs;
  } catch {
    return 0n; // gone meanwhile (Node 12 has no throwIfNoEntry)
  }
};
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * writeStamp writes the stamp until its time is past every setting it vouches for. File times come from the kernel's
 * coarse clock (one tick is 1–10 ms), so a setting written just before would otherwise often carry the same time, and
 * the sh entry's `-nt` would take the fresh answers for stale ones. Bounded: past it, the sh entry asks Node instead.
 */
function writeStamp(stamp: string, target: string): void {
  const newest = newestSource(target);
  for (let attempt = 0; attempt < 100; attempt++) {
    writeFileAtomic(stamp, '');
    if (mtime(stamp) > newest) return;
    Atomics.wait(pause, 0, 0, 1);
  }
}

/** newestSource is the time of the newest setting (file or directory) a target's answers vouch for. */
const newestSource = (target: string): bigint =>
  sourcesFor(target)
    .flatMap((dir) => [dir, ...listDir(dir).map((name) => join(dir, name))])
    .map(mtime)
    .reduce((max, time) => (time > max ? time : max), 0n);

/**
 * stampFresh is the sh entry's `fresh` (src/sh/hook.sh): the stamp is newer than every setting of the target and every
 * global one. The sh entry trusts the answers only then; tests/unit/sh-decisions.test.ts holds the two to one rule.
 */
export function stampFresh(target: string): boolean {
  const stamp = join(answersDir(target), STAMP);
  return readText(stamp) !== undefined && mtime(stamp) > newestSource(target);
}

/** answersStatus compares a target's answers on disk with what the settings give (the report's trigger-answers line). */
export function answersStatus(target: string, host: HostFacts, pidfile: string | undefined): string {
  const answers = expectedAnswers(target, host, pidfile);
  const dir = answersDir(target);
  if (!answers) return 'none: a stored setting is invalid';
  if (readText(join(dir, STAMP)) === undefined) return `missing: the triggers start Node until they are written again (dokku plugin:install)`;
  const differs = Object.entries(answers.files).filter(([name, text]) => readText(join(dir, name)) !== text && name !== BRIDGE);
  if (differs.length) return `differ from the settings (${differs.map(([name]) => name).join(', ')}): run dokku plugin:install to write them again`;
  if (!stampFresh(target)) return 'older than a setting: the triggers start Node until they are written again (dokku plugin:install)';
  return 'in step';
}
