// Timing of `make bench`: one process start timed from spawn to exit, and subject/baseline pairs run interleaved.
import { spawnSync } from 'node:child_process';
import { summary } from './stats.mjs';

/** SubjectError is a subject that did not exit 0: the figure is reported as failed instead of timed. */
export class SubjectError extends Error {}

/** run starts a command once and returns its wall time in ms and its output; a non-zero exit throws SubjectError. */
export function run(command, args = [], env = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error) throw new SubjectError(`${command}: ${result.error.message}`);
  if (result.status !== 0) {
    const why = result.stderr.toString().trim().split('\n')[0] || `signal ${result.signal}`;
    throw new SubjectError(`exit ${result.status}: ${why}`);
  }
  return { ms, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

/**
 * runCpu starts a command once with its output discarded and returns its wall time and its CPU time (user + system,
 * its waited-for children included) in ms, as bash's `time` keyword measures them around the command alone. CPU time
 * is the work the command does: other processes competing for the cores stretch its wall time, far less its CPU time.
 */
export function runCpu(command, args = [], env = {}) {
  const script = 'TIMEFORMAT="%3R %3U %3S"; time "$@" >/dev/null';
  const result = spawnSync('bash', ['-c', script, 'bench', command, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 28 });
  const lines = result.stderr.toString().trim().split('\n');
  if (result.status !== 0) throw new SubjectError(`exit ${result.status}: ${lines.length > 1 ? lines[0] : `signal ${result.signal}`}`);
  const [real, user, sys] = lines.at(-1).split(' ').map(Number);
  return { ms: 1000 * real, cpu: 1000 * (user + sys) };
}

/** subject is a timed command: a closure that starts it once and returns run()'s result. */
export const subject = (command, args = [], env = {}) => () => run(command, args, env);

/**
 * pairs runs subject and baseline `runs` times each, one pair after the other, alternating which goes first (so a
 * warm cache or a load spike favours neither), after one untimed warm-up of each. The figure is the median of the
 * per-pair ratios subject/baseline: both members of a pair see the same machine state, so load that comes and goes
 * during the run mostly cancels. Returns summaries of the subject, the baseline and the ratio.
 */
export function pairs(subjectRun, baselineRun, runs) {
  subjectRun();
  baselineRun();
  const s = [];
  const b = [];
  const ratios = [];
  for (let i = 0; i < runs; i++) {
    let sm;
    let bm;
    if (i % 2 === 0) {
      bm = baselineRun().ms;
      sm = subjectRun().ms;
    } else {
      sm = subjectRun().ms;
      bm = baselineRun().ms;
    }
    s.push(sm);
    b.push(bm);
    ratios.push(sm / bm);
  }
  return { subject: summary(s), baseline: summary(b), ratio: summary(ratios) };
}
