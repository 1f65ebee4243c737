// `node bench/selfcheck.mjs`: shows that the report-linearity bound of bench/run.mjs can fail. It runs the same
// sandboxes, sweeps and verdict as `make bench` over synthetic subjects, each one Node process:
//   linear     shaped like the report: reads every app's settings and prints a block per app;
//   mixed      the same, plus a comparison of each app with every other app (the shape of a per-app lookup over all
//              apps); its quadratic term is of the order of the linear one at 8000 apps;
//   quadratic  only lists the apps and compares each with every other: its time grows quadratically.
// Expected: linear ok, mixed and quadratic OVER. A few minutes; BENCH_RUNS and BENCH_SIZES as for run.mjs. Not part
// of `make bench`.
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
  mixed: body("values.push('before=' + apps.filter((other) => other < app).length);"),
  quadratic: `
const apps = require('node:fs').readdirSync(process.env.DOKKU_ROOT);
let out = '';
for (const app of apps) {
  let before = 0;
  for (const other of apps) if (other < app) before++;
  out += app + ' ' + before + '\\n';
}
process.stdout.write(out);
`,
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
