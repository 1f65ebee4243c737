// Growth of `network-host:report` (no app: every app) with the number of apps, judged from a fit over all sizes.
import { chmodSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './measure.mjs';
import { median, summary, sweepFigures } from './stats.mjs';

/**
 * Settings the sandbox apps get, each written once with the plugin's own `set` command on a template app; every third
 * app of every size then receives a copy of one template's store directory (the files exactly as `set` wrote them),
 * so a report over 8,000 apps does not cost 2,700 Node starts to prepare.
 */
const TEMPLATES = [
  [['mode', 'host']],
  [['mode', 'gateway']],
  [['mode', 'gateway'], ['gateway-aliases', 'db.internal,cache.internal'], ['phases', 'deploy,run']],
  [['mode', 'host'], ['phases', 'deploy']],
  [['mode', 'off']],
  [['mode', 'gateway'], ['gateway-ip', '10.0.0.1']],
];

/**
 * fakeDocker is a DOCKER_BIN that records each call in `calls` and answers like `docker inspect` for objects that do
 * not exist; the report's Docker cost is then one process start, the same at every size.
 */
export function fakeDocker(dir) {
  const calls = join(dir, 'docker-calls');
  const bin = join(dir, 'docker');
  writeFileSync(bin, `#!/bin/sh\necho "$*" >> "${calls}"\necho '[]'\n`);
  chmodSync(bin, 0o755);
  return { bin, calls, count: () => { try { return readFileSync(calls, 'utf8').split('\n').filter(Boolean).length; } catch { return 0; } }, reset: () => rmSync(calls, { force: true }) };
}

/**
 * sandboxes creates one Dokku root per size under `dir`: app-0 … app-(N-1) in DOKKU_ROOT, each with a recorded web
 * container ID, every third with settings. `plugin` is the plugin directory whose `set` writes the templates.
 */
export function sandboxes(dir, sizes, plugin) {
  const template = { DOKKU_ROOT: join(dir, 'template/home'), DOKKU_LIB_ROOT: join(dir, 'template/lib') };
  TEMPLATES.forEach((settings, i) => {
    mkdirSync(join(template.DOKKU_ROOT, `template-${i}`), { recursive: true });
    // a port of its own (Dokku gives every app without a map 5000, where two host-mode templates would clash)
    mkdirSync(join(template.DOKKU_LIB_ROOT, 'config/ports', `template-${i}`), { recursive: true });
    writeFileSync(join(template.DOKKU_LIB_ROOT, 'config/ports', `template-${i}`, 'map'), `http:80:${5100 + i}\n`);
    for (const [key, value] of settings) run(join(plugin, 'subcommands/set'), ['network-host:set', `template-${i}`, key, value], template);
  });
  const store = (root) => join(root, 'config/network-host');
  return sizes.map((count) => {
    const env = { DOKKU_ROOT: join(dir, `${count}/home`), DOKKU_LIB_ROOT: join(dir, `${count}/lib`) };
    mkdirSync(store(env.DOKKU_LIB_ROOT), { recursive: true });
    for (let j = 0; j < count; j++) {
      const app = `app-${j}`;
      mkdirSync(join(env.DOKKU_ROOT, app), { recursive: true });
      writeFileSync(join(env.DOKKU_ROOT, app, 'CONTAINER.web.1'), `${j.toString(16).padStart(12, '0')}\n`);
      if (j % 3 === 0) cpSync(join(store(template.DOKKU_LIB_ROOT), `template-${(j / 3) % TEMPLATES.length}`), join(store(env.DOKKU_LIB_ROOT), app), { recursive: true });
    }
    return { count, env };
  });
}

/**
 * sweeps measures `subjectFor(sandbox)` at every size, `replicates` times; subjects and the baseline return
 * { ms, cpu } (measure.runCpu). One replicate is a sweep over all sizes back to back (in an order that changes from
 * sweep to sweep, so slow drift of the machine tilts no line), each size timed as a pair with the baseline. Per sweep,
 * from CPU time: the least-squares cost per app over all sizes and the largest size's excess over the line fitted on
 * the smaller ones (a factor common to a whole sweep, like a slower core, cancels out of the excess); the same cost
 * per app from wall time, for comparison. The figures are medians over the sweeps with order-statistic intervals;
 * per size, the wall time and its ratio to the baseline's.
 */
export function sweeps(boxes, subjectFor, baselineRun, replicates) {
  const sizes = boxes.map((b) => b.count);
  const subjects = boxes.map(subjectFor);
  subjects.forEach((s) => s());
  baselineRun();
  const wall = boxes.map(() => []);
  const cpu = boxes.map(() => []);
  const ratios = boxes.map(() => []);
  const baselineWall = [];
  const baselineCpu = [];
  const perItem = [];
  const perItemWall = [];
  const perItemRatio = [];
  const excess = [];
  for (let r = 0; r < replicates; r++) {
    const order = sizes.map((_, i) => (i + r) % sizes.length);
    if (r % 2) order.reverse();
    const sweepWall = [];
    const sweepCpu = [];
    const sweepBaseline = [];
    for (const i of order) {
      let s;
      let b;
      if ((r + i) % 2) {
        s = subjects[i]();
        b = baselineRun();
      } else {
        b = baselineRun();
        s = subjects[i]();
      }
      sweepWall[i] = s.ms;
      sweepCpu[i] = s.cpu;
      sweepBaseline.push(b.cpu);
      wall[i].push(s.ms);
      cpu[i].push(s.cpu);
      ratios[i].push(s.ms / b.ms);
      baselineWall.push(b.ms);
      baselineCpu.push(b.cpu);
    }
    const figures = sweepFigures(sizes, sweepCpu);
    perItem.push(figures.perItem);
    perItemRatio.push((1000 * figures.perItem) / median(sweepBaseline));
    excess.push(figures.excess);
    perItemWall.push(sweepFigures(sizes, sweepWall).perItem);
  }
  return {
    sizes,
    perSize: boxes.map((b, i) => ({ count: b.count, wall: summary(wall[i]), cpu: summary(cpu[i]), ratio: summary(ratios[i]) })),
    baselineWall: summary(baselineWall),
    baselineCpu: summary(baselineCpu),
    perItem: summary(perItem),
    perItemWall: summary(perItemWall),
    perItemRatio: summary(perItemRatio),
    excess: summary(excess),
  };
}
