// `node bench/selfcheck.mjs`: shows that the report-linearity bound of bench/run.mjs can fail. It runs the same
// sandboxes, sweeps and verdict over two synthetic subjects shaped like the report (one Node process reading every
// app's settings and printing a block per app): `linear`, and `quadratic`, which also compares each app with every
// other app in memory (the shape of a per-app lookup over all apps). Expected: linear ok, quadratic OVER.
// Takes a few minutes; BENCH_RUNS=N and BENCH_SIZES as for run.mjs. Not part of `make bench`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCpu } from './measure.mjs';
import { EXCESS_BOUND, SIZES, SWEEPS } from './config.mjs';
import { sandboxes, sweeps } from './scaling.mjs';
import { verdict } from './stats.mjs';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));

const body = (perApp) => `
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const apps = readdirSync(process.env.DOKKU_ROOT).sort();
const store = join(process.env.DOKKU_LIB_ROOT, 'config/network-host');
let out = '';
for (const app of apps) {
  let keys = [];
  try { keys = readdirSync(join(store, app)); } catch {}
  const values = keys.map((k) => k + '=' + readFileSync(join(store, app, k), 'utf8').trim());
  ${perApp}
  out += '=====> ' + app + ' network-host information\\n       Settings: ' + values.join(' ') + '\\n';
}
process.stdout.write(out);
`;
const SUBJECTS = {
  linear: body(''),
  quadratic: body("values.push('before=' + apps.filter((other) => other < app).length);"),
};

const dir = mkdtempSync(join(tmpdir(), 'network-host-selfcheck-'));
try {
  const boxes = sandboxes(join(dir, 'report'), SIZES, repo);
  for (const [name, source] of Object.entries(SUBJECTS)) {
    const script = join(dir, `${name}.js`);
    writeFileSync(script, source);
    const sweep = sweeps(boxes, (box) => () => runCpu('node', [script], box.env), () => runCpu('node', ['-e', '0']), SWEEPS);
    const pct = (x) => `${(100 * x).toFixed(1)} %`;
    console.log(
      `${name}: CPU per app ${sweep.perItem.median.toFixed(4)} ms (${sweep.perItem.low.toFixed(4)} – ${sweep.perItem.high.toFixed(4)}); ` +
        `CPU at ${SIZES.join('/')} apps ${sweep.perSize.map((s) => s.cpu.median.toFixed(0)).join('/')} ms; ` +
        `${SIZES.at(-1)} apps above the line: ${pct(sweep.excess.median)} (${pct(sweep.excess.low)} – ${pct(sweep.excess.high)}), ` +
        `bound ≤ ${pct(EXCESS_BOUND)}: ${verdict(sweep.excess, EXCESS_BOUND)}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
