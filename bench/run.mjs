// `make bench`: trigger latency and report scale as ratios against baselines measured in the same run (issue 6).
// Each figure is a median of RUNS runs; subject and baseline runs are interleaved so machine noise hits both alike.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = Math.max(30, Number(process.env.BENCH_RUNS || 31));
const root = process.cwd();
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const time = (command, args, env) => {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  return { ms, stdout: result.stdout.toString() };
};
const compare = (subject, baseline, runs = RUNS) => {
  const s = [];
  const b = [];
  for (let i = 0; i < runs; i++) {
    b.push(baseline().ms);
    s.push(subject().ms);
  }
  return { subject: median(s), baseline: median(b), ratio: median(s) / median(b) };
};

const sandbox = mkdtempSync(join(tmpdir(), 'network-host-bench-'));
const env = { DOKKU_LIB_ROOT: join(sandbox, 'lib'), DOKKU_ROOT: join(sandbox, 'home') };
const config = (app, key, value) => {
  mkdirSync(join(env.DOKKU_LIB_ROOT, 'config/network-host', app), { recursive: true });
  writeFileSync(join(env.DOKKU_LIB_ROOT, 'config/network-host', app, key), value);
};
const trigger = (app) => () => time(join(root, 'docker-args-process-deploy'), [app, 'dockerfile', 'latest', 'web', '1'], env);
const rows = [];
const row = (name, r, bound) =>
  rows.push([name, `${r.subject.toFixed(2)} ms`, `${r.baseline.toFixed(2)} ms`, `${r.ratio.toFixed(2)}×`, bound ? `≤ ${bound}× ${r.ratio <= bound ? 'ok' : 'OVER'}` : '']);

mkdirSync(env.DOKKU_ROOT, { recursive: true });
// 1. An app with no setting and no global mode: the sh entry answers without starting Node.
row('trigger, unconfigured app (vs sh -c true)', compare(trigger('plain'), () => time('sh', ['-c', 'true'])), 2);
// 2. A configured app: Node starts, reads the store and prints the arguments.
config('hosted', 'mode', 'host');
if (trigger('hosted')().stdout !== ' --network=host') throw new Error('configured trigger printed the wrong arguments');
row('trigger, configured app (vs node -e 0)', compare(trigger('hosted'), () => time('node', ['-e', '0'])), 1.25);

// 3. The report over many apps, with a DOCKER_BIN that counts its calls (and answers like docker does with nothing to inspect).
const calls = join(sandbox, 'docker-calls');
const fakeDocker = join(sandbox, 'docker');
writeFileSync(fakeDocker, `#!/bin/sh\necho "$*" >> "${calls}"\necho '[]'\n`);
chmodSync(fakeDocker, 0o755);
const report = () => time(join(root, 'subcommands/report'), ['network-host:report'], { ...env, DOCKER_BIN: fakeDocker });
const node0 = () => time('node', ['-e', '0']);
let made = 0;
const scale = [];
for (const count of [250, 500, 1000]) {
  for (; made < count; made++) {
    const app = `app-${made}`;
    mkdirSync(join(env.DOKKU_ROOT, app));
    writeFileSync(join(env.DOKKU_ROOT, app, `CONTAINER.web.1`), `${made.toString(16).padStart(12, '0')}\n`);
    if (made % 3 === 0) config(app, 'mode', made % 2 ? 'host' : 'gateway');
  }
  rmSync(calls, { force: true });
  report();
  const dockerCalls = readFileSync(calls, 'utf8').trim().split('\n').length;
  const r = compare(report, node0);
  scale.push({ count, ...r, dockerCalls });
  rows.push([`report, ${count} apps (vs node -e 0)`, `${r.subject.toFixed(1)} ms`, `${r.baseline.toFixed(2)} ms`, `${r.ratio.toFixed(1)}×`, `${dockerCalls} docker call(s)`]);
}
// Linear growth: each extra app costs the same from 250→500 as from 500→1000 (a quadratic report would double it).
const slope = (a, b) => (b.subject - a.subject) / (b.count - a.count);
const [s1, s2] = [slope(scale[0], scale[1]), slope(scale[1], scale[2])];
rows.push(['report, ms per extra app 250→500 vs 500→1000', `${s1.toFixed(3)} → ${s2.toFixed(3)} ms`, '', `${(s2 / s1).toFixed(2)}×`, `≤ 1.5× ${s2 / s1 <= 1.5 ? 'ok' : 'OVER'}`]);

// 4. Build time and sizes.
const build = compare(() => time('node', ['build.mjs']), node0);
rows.push(['make build (vs node -e 0)', `${build.subject.toFixed(0)} ms`, `${build.baseline.toFixed(2)} ms`, `${build.ratio.toFixed(1)}×`, '']);
for (const dir of ['triggers', 'subcommands']) {
  for (const name of readdirSync(dir)) {
    const stat = statSync(join(dir, name));
    if (stat.isFile()) rows.push([`size ${dir}/${name}`, `${(stat.size / 1024).toFixed(1)} KiB`, '', '', '']);
  }
}
rmSync(sandbox, { recursive: true, force: true });

const header = ['figure', 'median', 'baseline', 'ratio', 'bound'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(`median of ${RUNS} runs per figure, node ${process.version}`);
console.log([line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'));
const over = rows.filter((r) => r[4].includes('OVER'));
if (over.length || scale.some((s) => s.dockerCalls > 1)) process.exitCode = 1;
