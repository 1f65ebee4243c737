// Concurrency (src/lib/lock.ts, docs/derived-arguments.md): Dokku runs plugin commands, ps:* and deploys side by side,
// so answers are stamped only for the settings they came from, a write changes only its own keys, and the one lock
// excludes other processes, survives a killed holder and never waits forever.
import { spawn, spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { buildSync } from 'esbuild';
import { app, host } from './fixtures';
import type * as Store from '../../src/lib/store';

// The answer writes go through writeFileAtomic: a test may run something in the middle of them (another process's write).
let duringAnswerWrite: (() => void) | undefined;
jest.mock('../../src/lib/store', () => {
  const actual = jest.requireActual('../../src/lib/store') as typeof Store;
  return {
    ...actual,
    writeFileAtomic: (path: string, text: string) => {
      actual.writeFileAtomic(path, text);
      if (path.includes('/args/') && duringAnswerWrite) {
        const inject = duringAnswerWrite;
        duringAnswerWrite = undefined;
        inject();
      }
    },
  };
});
/* eslint-disable @typescript-eslint/no-require-imports */
const { writeAnswers } = require('../../src/lib/answers') as typeof import('../../src/lib/answers');
const { apply } = require('../../src/lib/apply') as typeof import('../../src/lib/apply');
const { planSettings } = require('../../src/lib/pipeline') as typeof import('../../src/lib/pipeline');
const { acquireLock, LockBusyError, lockPath, LOCK_ENV, processStart } = require('../../src/lib/lock') as typeof import('../../src/lib/lock');
const { readSettings, removePath, writeSettings } = require('../../src/lib/store') as typeof Store;

const HOOK = resolve(__dirname, '../../triggers/hook');
let root: string;
let lib: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'network-host-lock-'));
  lib = join(root, 'lib');
  mkdirSync(join(root, 'plugin'));
  mkdirSync(join(root, 'no-node'));
  symlinkSync(HOOK, join(root, 'plugin', 'docker-args-process-deploy'));
  process.env.DOKKU_LIB_ROOT = lib;
});
afterAll(() => removePath(root));
beforeEach(() => removePath(lib));

const deployArgs = () =>
  spawnSync(join(root, 'plugin', 'docker-args-process-deploy'), ['api', 'dockerfile', 'latest', 'web', '1'], { env: { DOKKU_LIB_ROOT: lib, PATH: join(root, 'no-node') }, encoding: 'utf8' });

test('a setting written by another process while the answers are written is not served as fresh', () => {
  writeSettings('api', { mode: 'host' });
  duringAnswerWrite = () => writeSettings('api', { mode: 'off' });
  writeAnswers('api', host([app('api', { settings: { mode: 'host' } })]), undefined);
  expect(duringAnswerWrite).toBeUndefined();
  expect(readSettings('api')).toEqual({ mode: 'off' });
  // What the sh entry prints without Node: the answer of the stored mode, off, and no warning (the stamp holds).
  expect(deployArgs()).toMatchObject({ stdout: '', stderr: '' });
});

test('two plans from one snapshot each write only their own key: neither undoes the other', async () => {
  const h = host([app('api')]);
  const first = planSettings({ target: 'api', values: { mode: 'gateway' } }, h);
  const second = planSettings({ target: 'api', values: { 'gateway-ip': '10.0.0.5' } }, h);
  await apply(first, h, undefined);
  await apply(second, h, undefined);
  expect(readSettings('api')).toEqual({ mode: 'gateway', 'gateway-ip': '10.0.0.5' });
  expect(deployArgs()).toMatchObject({ stdout: ' --add-host=host.docker.internal:10.0.0.5', stderr: '' });
});

test('an unset from a stale snapshot removes only that key', async () => {
  writeSettings('api', { mode: 'gateway', phases: 'deploy' });
  const h = host([app('api', { settings: { mode: 'gateway', phases: 'deploy' } })]);
  writeSettings('api', { mode: 'gateway', phases: 'deploy', 'gateway-ip': '10.0.0.5' });
  await apply(planSettings({ target: 'api', unset: ['phases'], values: {} }, h), h, undefined);
  expect(readSettings('api')).toEqual({ mode: 'gateway', 'gateway-ip': '10.0.0.5' });
});

/** sleeper is a live process standing for a lock holder; killed with SIGKILL it leaves its lock behind. */
function sleeper(): Promise<{ pid: number; kill: () => Promise<void> }> {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  const exited = new Promise<void>((done) => child.on('exit', () => done()));
  return new Promise((done) => child.on('spawn', () => done({ pid: child.pid!, kill: () => (child.kill('SIGKILL'), exited) })));
}
const holdFor = (pid: number, start = processStart(pid)) => {
  mkdirSync(join(lib, 'data/network-host/--global'), { recursive: true });
  writeFileSync(lockPath(), `${pid} ${start} other.token network-host:set api mode host\n`);
};

test('a live holder is waited for a bounded time, then the error names the lock file and the holder', async () => {
  const holder = await sleeper();
  try {
    holdFor(holder.pid);
    const started = Date.now();
    expect(() => acquireLock(300)).toThrow(LockBusyError);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(() => acquireLock(100)).toThrow(
      `network-host's lock ${lib}/data/network-host/--global/lock is held by process ${holder.pid} (network-host:set api mode host); waited 0 s. Try again when it is done, or remove the file if no network-host command or deploy is running: rm ${lib}/data/network-host/--global/lock`,
    );
    expect(readFileSync(lockPath(), 'utf8')).toMatch(/other\.token/);
  } finally {
    await holder.kill();
  }
});

test('the lock of a killed holder is taken over, and released when done', async () => {
  const holder = await sleeper();
  holdFor(holder.pid);
  await holder.kill();
  const release = acquireLock(2_000);
  expect(readFileSync(lockPath(), 'utf8')).toMatch(new RegExp(`^${process.pid} `));
  expect(process.env[LOCK_ENV]).toBeDefined();
  release();
  expect(existsSync(lockPath())).toBe(false);
  expect(process.env[LOCK_ENV]).toBeUndefined();
});

test('a reused pid (a live process started at another time) does not keep a lock', async () => {
  const holder = await sleeper();
  try {
    holdFor(holder.pid, '1');
    acquireLock(2_000)();
  } finally {
    await holder.kill();
  }
});

// Real processes: a bundle of the lock module, as the plugin's bundles carry it.
describe('between processes', () => {
  let script: string;
  beforeAll(() => {
    const entry = join(root, 'locker.ts');
    writeFileSync(
      entry,
      `import { appendFileSync } from 'fs';
       import { acquireLock } from ${JSON.stringify(resolve(__dirname, '../../src/lib/lock'))};
       const [log, wait] = process.argv.slice(2);
       const release = acquireLock(Number(wait));
       appendFileSync(log, 'in ' + process.pid + '\\n');
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30);
       appendFileSync(log, 'out ' + process.pid + '\\n');
       release();`,
    );
    script = join(root, 'locker.js');
    buildSync({ entryPoints: [entry], outfile: script, bundle: true, platform: 'node', format: 'cjs', logLevel: 'error' });
  });

  const runAll = (count: number, log: string, env: NodeJS.ProcessEnv = process.env): Promise<number[]> =>
    Promise.all(
      Array.from({ length: count }, () => new Promise<number>((done) => spawn(process.execPath, [script, log, '20000'], { stdio: 'inherit', env }).on('exit', (code) => done(code ?? -1)))),
    );

  test('holders in parallel processes never overlap, also right after a killed holder', async () => {
    const holder = await sleeper();
    holdFor(holder.pid);
    await holder.kill();
    const log = join(root, 'parallel.log');
    expect(await runAll(8, log)).toEqual(Array(8).fill(0));
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(16);
    for (let i = 0; i < lines.length; i += 2) expect([lines[i], lines[i + 1]]).toEqual([`in ${lines[i]!.split(' ')[1]}`, `out ${lines[i]!.split(' ')[1]}`]);
    expect(existsSync(lockPath())).toBe(false);
  });

  test('a process the holder starts (a Dokku command it runs, whose triggers reach the plugin) does not wait for it', async () => {
    const release = acquireLock(1_000);
    try {
      const log = join(root, 'child.log');
      const started = Date.now();
      expect(await runAll(1, log, { ...process.env })).toEqual([0]);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(existsSync(lockPath())).toBe(true);
    } finally {
      release();
    }
    // Without the holder's token, the same child waits its bounded time and fails.
    const release2 = acquireLock(1_000);
    try {
      const env = { ...process.env };
      delete env[LOCK_ENV];
      const result = spawnSync(process.execPath, [script, join(root, 'child2.log'), '200'], { env, encoding: 'utf8' });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(`network-host's lock ${lockPath()} is held by process ${process.pid}`);
    } finally {
      release2();
    }
  });
});
