// `make bench`: the plugin's speed as ratios against baselines measured in the same run, never absolute timings.
// Every figure is a median over runs with a distribution-free interval; a bound fails only when the whole interval is
// past it, so noise can widen an interval but cannot flip a verdict. Exit status 1 iff a bound is exceeded by its
// whole interval or a check fails (wrong trigger output, more than one Docker call, a subject that errors).
// Parts: stats.mjs (statistics), measure.mjs (timing, interleaved pairs), triggers.mjs (docker-args triggers),
// scaling.mjs (report growth), life.bash (Node starts over an app's life through the Dokku stand-in), outage.bash
// (host-mode redeploy outages through the stand-in's nginx), config.mjs.
//
//   BENCH_RUNS=N, BENCH_SIZES=a,b,…   run counts and report sizes (bench/config.mjs)
//   BENCH_LIFE=0                      skip the app-life Node count (about a minute: it deploys through the stand-in)
//   BENCH_OUTAGE=0                    skip the redeploy outages (about 80 s: two deploys, six redeploys)
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILDS, EXCESS_BOUND, RUNS, SIZES, SWEEPS, TRIGGER_BOUND } from './config.mjs';
import { pairs, run, runCpu, subject, SubjectError } from './measure.mjs';
import { fakeDocker, sandboxes, sweeps } from './scaling.mjs';
import { median, verdict } from './stats.mjs';
import { check, configuredApps, PHASES } from './triggers.mjs';

const started = Date.now();
const repo = dirname(dirname(fileURLToPath(import.meta.url)));
process.chdir(repo);

// --- the table -------------------------------------------------------------------------------------------------------
const rows = [];
const failures = new Set();
const notes = []; // failure reasons, numbered under the table so it stays narrow
const ms = (x) => (x >= 100 ? `${x.toFixed(0)} ms` : x >= 10 ? `${x.toFixed(1)} ms` : `${x.toFixed(2)} ms`);
const times = (x, digits = 2) => `${x.toFixed(digits)}×`;
const pct = (x) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`;
const span = (s, fmt) => `${fmt(s.low)} – ${fmt(s.high)}`;
const apps = (n) => `${n} app${n === 1 ? '' : 's'}`;
const row = (figure, cells = {}) => rows.push({ figure, median: '', interval: '', baseline: '', ratio: '', bound: '', verdict: '', ...cells });
const failed = (figure, why) => {
  failures.add(figure);
  notes.push(why);
  return `FAIL [${notes.length}]`;
};
const fail = (figure, why, cells = {}) => row(figure, { ...cells, verdict: failed(figure, why) });
/** judged gives a bounded figure its bound and verdict (OVER only when the whole interval is past the bound). */
const judged = (figure, interval, bound, fmt) => {
  const v = verdict(interval, bound);
  if (v === 'OVER') failures.add(figure);
  return { bound: `≤ ${fmt(bound)}`, verdict: v };
};
const pairRow = (figure, r, baselineName, bound) =>
  row(figure, {
    median: ms(r.subject.median),
    interval: span(r.subject, ms),
    baseline: `${baselineName} ${ms(r.baseline.median)}`,
    ratio: `${times(r.ratio.median)} (${span(r.ratio, times)})`,
    ...(bound === undefined ? {} : judged(figure, r.ratio, bound, times)),
  });

const sandbox = mkdtempSync(join(tmpdir(), 'network-host-bench-'));
// The stand-in root inside is the dokku user's, as on a Dokku host: that user must be able to reach it.
chmodSync(sandbox, 0o755);
const sh = subject('sh', ['-c', 'true']);
const node0 = subject('node', ['-e', '0']);
let standin;
let scaleNote;

// 1. The docker-args triggers, run as plugn runs them (the root executables), against a bare `sh` start.
function triggerFigures() {
  standin = configuredApps(repo, sandbox);
  for (const kind of ['plain', 'gateway', 'host']) {
    for (const [phase, argsOf] of PHASES) {
      const figure = `docker-args-process-${phase}, ${kind === 'plain' ? 'app without settings' : `${kind} app`}`;
      const file = join(repo, `docker-args-process-${phase}`);
      const args = argsOf(standin.apps[kind]);
      const wrong = check(file, args, standin.env, standin.expected[kind][phase]);
      if (wrong?.startsWith('exit ')) {
        fail(figure, wrong, { bound: `≤ ${times(TRIGGER_BOUND)}` });
        continue;
      }
      pairRow(figure, pairs(subject(file, args, standin.env), sh, RUNS), 'sh -c true', TRIGGER_BOUND);
      if (wrong) rows.at(-1).verdict = failed(figure, wrong);
    }
  }
}

// 2. `network-host:report` (every app) over growing numbers of apps, with a DOCKER_BIN that counts its calls.
function reportFigures() {
  const docker = fakeDocker(sandbox);
  const boxes = sandboxes(join(sandbox, 'report'), SIZES, repo);
  const reportArgs = (box) => [join(repo, 'subcommands/report'), ['network-host:report'], { ...box.env, DOCKER_BIN: docker.bin }];
  for (const box of boxes) {
    docker.reset();
    let out;
    try {
      out = run(...reportArgs(box)).stdout;
    } catch (error) {
      if (!(error instanceof SubjectError)) throw error;
      fail(`network-host:report, ${apps(box.count)}`, error.message);
      return;
    }
    // Dokku's report format (common.ReportSingleApp): one `=====> APP …` header per app
    const headers = out.split('\n').filter((l) => l.startsWith('=====> app-')).length;
    box.calls = docker.count();
    box.check = headers !== box.count ? `reported ${headers} apps of ${box.count}` : box.calls > 1 ? `${box.calls} Docker calls (at most 1)` : null;
  }
  const sweep = sweeps(boxes, (box) => () => runCpu(...reportArgs(box)), () => runCpu('node', ['-e', '0']), SWEEPS);
  sweep.perSize.forEach((size, i) => {
    const box = boxes[i];
    const figure = `network-host:report, ${apps(size.count)}`;
    const cells = {
      median: ms(size.wall.median),
      interval: span(size.wall, ms),
      baseline: `node -e 0 ${ms(sweep.baselineWall.median)}`,
      ratio: `${times(size.ratio.median, 1)} (${span(size.ratio, (x) => times(x, 1))})`,
      bound: '≤ 1 Docker call',
    };
    if (box.check) fail(figure, box.check, cells);
    else row(figure, { ...cells, verdict: `ok (${box.calls} call${box.calls === 1 ? '' : 's'})` });
  });
  const perApp = (x) => `${x.toFixed(3)} ms`;
  row(`report, cost per app, CPU time (least squares, ${SIZES.join('/')})`, {
    median: perApp(sweep.perItem.median),
    interval: span(sweep.perItem, perApp),
    baseline: `node -e 0 CPU ${ms(sweep.baselineCpu.median)}`,
    ratio: `${times(sweep.perItemRatio.median)} (${span(sweep.perItemRatio, times)}) per 1000 apps`,
  });
  row(`report, cost per app, wall time (least squares, ${SIZES.join('/')})`, { median: perApp(sweep.perItemWall.median), interval: span(sweep.perItemWall, perApp) });
  const figure = `report, ${SIZES.at(-1)} apps: CPU time above the line through ${SIZES.slice(0, -1).join('/')}`;
  row(figure, { median: pct(sweep.excess.median), interval: span(sweep.excess, pct), ...judged(figure, sweep.excess, EXCESS_BOUND, pct) });
  // How far the growth sits above the noise: the smallest step against the whole spread of the runs at its start.
  const k = SIZES.slice(1).reduce((best, n, i) => (n - SIZES[i] < SIZES[best + 1] - SIZES[best] ? i : best), 0);
  const step = sweep.perItem.median * (SIZES[k + 1] - SIZES[k]);
  const { min, max } = sweep.perSize[k].cpu;
  scaleNote =
    `report: the smallest step, ${SIZES[k]}→${SIZES[k + 1]} apps, adds ${ms(step)} of CPU time, ` +
    `${(step / (max - min)).toFixed(1)}× the whole spread of the ${apps(SIZES[k])} runs (${ms(min)} – ${ms(max)})`;
}

// 3. `make build` (node build.mjs) and the built sizes.
function buildFigures() {
  pairRow('make build (node build.mjs)', pairs(subject('node', ['build.mjs']), node0, BUILDS), 'node -e 0');
  let total = 0;
  for (const dir of ['subcommands', 'triggers', '']) {
    for (const name of dir ? readdirSync(dir).sort() : ['commands']) {
      const path = dir ? `${dir}/${name}` : name;
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) row(`size ${path}`, { median: `→ ${readlinkSync(path)}` });
      else if (stat.isFile()) {
        total += stat.size;
        row(`size ${path}`, { median: `${(stat.size / 1024).toFixed(1)} KiB` });
      }
    }
  }
  row('size, total of the files above', { median: `${(total / 1024).toFixed(1)} KiB` });
}

// 4. Node starts over the whole life of an app that never uses the plugin (bench/life.bash).
function lifeFigures() {
  const life = spawnSync('bash', [join(repo, 'bench/life.bash')], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
  let starts = 0;
  for (const [name, count, seconds] of life.stdout.toString().trim().split('\n').filter(Boolean).map((l) => l.split(' '))) {
    starts += Number(count);
    row(`Node starts, app never using the plugin: ${name} (${seconds} s)`, { median: count });
  }
  const figure = 'Node starts, app never using the plugin: whole life';
  const cells = { median: String(starts), bound: '= 0' };
  if (life.status !== 0) fail(figure, `bench/life.bash exit ${life.status}: ${life.stderr.toString().trim().split('\n').slice(-3).join(' / ')}`, cells);
  else if (starts !== 0) row(figure, { ...cells, verdict: failed(figure, `${starts} Node start(s); the steps above say where`).replace('FAIL', 'OVER') });
  else row(figure, { ...cells, verdict: 'ok' });
}

// 5. The outage of a host-mode web redeploy seen through nginx (bench/outage.bash, `KIND N OUTAGE_MS` lines): the
// median and the min–max spread of each kind's redeploys, report-only (no bound). A kind with fewer redeploys than
// the script runs, or a script that fails, gives a FAIL row.
const OUTAGE_KINDS = [
  ['port', 'outage per redeploy, $PORT app (alternating ports)'],
  ['fixed', 'outage per redeploy, fixed-port app (stop-first)'],
];
const OUTAGE_REDEPLOYS = 3;
function outageFigures() {
  const outage = spawnSync('bash', [join(repo, 'bench/outage.bash')], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
  const byKind = new Map(OUTAGE_KINDS.map(([kind]) => [kind, []]));
  for (const line of outage.stdout.toString().trim().split('\n').filter(Boolean)) {
    const [kind, , value] = line.split(' ');
    if (byKind.has(kind) && /^\d+$/.test(value)) byKind.get(kind).push(Number(value));
  }
  const why =
    outage.status !== 0
      ? `bench/outage.bash ${outage.error ? outage.error.message : `exit ${outage.status ?? outage.signal}`}: ${outage.stderr.toString().trim().split('\n').slice(-3).join(' / ')}`
      : null;
  let note = null; // one note for every row the same failure breaks
  for (const [kind, figure] of OUTAGE_KINDS) {
    const values = byKind.get(kind);
    const whole = (x) => `${Math.round(x)} ms`;
    const cells = values.length
      ? { median: whole(median(values)), interval: `${whole(Math.min(...values))} – ${whole(Math.max(...values))} (min–max of ${values.length})` }
      : {};
    // a script that failed after printing every line still fails its last row
    if (values.length === OUTAGE_REDEPLOYS && !(why && kind === OUTAGE_KINDS.at(-1)[0] && !note)) {
      row(figure, cells);
      continue;
    }
    failures.add(figure);
    if (!note) {
      notes.push(why ?? `bench/outage.bash printed ${values.length} ${kind} redeploy(s) of ${OUTAGE_REDEPLOYS}`);
      note = `FAIL [${notes.length}]`;
    }
    row(figure, { ...cells, verdict: note });
  }
}

// Each part runs even when an earlier one breaks; an unexpected error fails that part in the table.
const part = (name, body) => {
  try {
    body();
  } catch (error) {
    fail(name, error.message.split('\n')[0]);
  }
};
try {
  part('docker-args triggers', triggerFigures);
  part('network-host:report', reportFigures);
  part('make build', buildFigures);
  if (process.env.BENCH_LIFE !== '0') part('Node starts, app never using the plugin', lifeFigures);
  if (process.env.BENCH_OUTAGE !== '0') part('outage per redeploy', outageFigures);
} finally {
  try {
    standin?.teardown();
  } catch {
    // best effort: the stand-in root lies in the sandbox, removed next
  }
  rmSync(sandbox, { recursive: true, force: true });
}

const header = { figure: 'figure', median: 'median', interval: 'interval', baseline: 'baseline', ratio: 'ratio (interval)', bound: 'bound', verdict: 'verdict' };
const keys = Object.keys(header);
const widths = keys.map((k) => Math.max(...[header, ...rows].map((r) => r[k].length)));
const line = (r) => `| ${keys.map((k, i) => r[k].padEnd(widths[i])).join(' | ')} |`;
console.log(`node ${process.version}; triggers ${RUNS} pairs, report ${SWEEPS} sweeps, build ${BUILDS} pairs; interval: order-statistic ≥95 % confidence interval of the median`);
console.log([line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n'));
notes.forEach((note, i) => console.log(`[${i + 1}] ${note}`));
if (scaleNote) console.log(scaleNote);
const took = `${((Date.now() - started) / 1000).toFixed(0)} s`;
console.log(failures.size ? `verdict: FAIL, ${failures.size} figure(s) over their bound or failed; ${took}` : `verdict: ok, every bound holds; ${took}`);
process.exitCode = failures.size ? 1 : 0;
