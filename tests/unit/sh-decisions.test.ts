// The decisions the sh entry (src/sh/hook.sh, built as triggers/hook) makes without Node agree with the planner's: the
// clone's settings (planClone), which of traefik's labels uninstall removes (labelEdit, as on disable), and when the
// answers are fresh (stampFresh, the report's rule); what the answers say is covered by answers.test.ts. Properties over valid stored settings (an unparsable one makes Node fail with the
// reason, which the sh entry cannot give).
import { spawnSync } from 'child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import fc from 'fast-check';
import { app, host } from './fixtures';
import { stampFresh, writeAnswers } from '../../src/lib/answers';
import { planClone, planSettings } from '../../src/lib/pipeline';
import { GLOBAL, resolveConfig, selectsProcess, type Settings } from '../../src/lib/properties';
import { readSettings, removePath, writeRecord, writeSettings } from '../../src/lib/store';

const HOOK = resolve(__dirname, '../../triggers/hook');
let root: string;
let bin: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'network-host-sh-'));
  mkdirSync(join(root, 'plugin'));
  for (const trigger of ['post-app-clone-setup', 'uninstall']) symlinkSync(HOOK, join(root, 'plugin', trigger));
  // no node on PATH; a dokku that records its calls (the sh entry calls dokku traefik:labels:remove)
  bin = join(root, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'dokku'), `#!/bin/sh\necho "$*" >>"${join(root, 'dokku.log')}"\n`);
  chmodSync(join(bin, 'dokku'), 0o755);
  for (const tool of ['cp', 'grep', 'mkdir', 'rm']) symlinkSync(`/bin/${tool}`, join(bin, tool));
  process.env.DOKKU_LIB_ROOT = join(root, 'lib');
});
afterAll(() => removePath(root));

const run = (trigger: string, args: string[]) =>
  spawnSync(join(root, 'plugin', trigger), args, { env: { DOKKU_LIB_ROOT: join(root, 'lib'), PATH: bin }, encoding: 'utf8' });

const settings = fc.record(
  {
    mode: fc.constantFrom('host', 'gateway', 'off'),
    phases: fc.subarray(['build', 'deploy', 'run'], { minLength: 1 }).map((p) => p.join(',')),
    'gateway-ip': fc.constantFrom('host-gateway', '10.9.8.7'),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<Settings>;

test('apps:clone without Node gives the clone the settings planClone gives it', () => {
  fc.assert(
    fc.property(settings, settings, (source, global) => {
      removePath(join(root, 'lib'));
      writeSettings('api', source);
      writeSettings(GLOBAL, global);
      const result = run('post-app-clone-setup', ['api', 'api-2']);
      expect(result.status).toBe(0);
      const planned = planClone('api', 'api-2', host([app('api', { settings: source }), app('api-2')], { global })).settings[0]?.settings ?? {};
      expect(readSettings('api-2')).toEqual(planned);
    }),
    { numRuns: 150 },
  );
});

test('post-container-create starts Node for the hand-off only where handoff.ts acts: web in host mode (processes)', () => {
  const fakeNode = mkdtempSync(join(root, 'node-'));
  writeFileSync(join(fakeNode, 'node'), '#!/bin/sh\nif [ "$1" = --version ]; then echo v20.0.0; else echo asked-node; fi\n');
  chmodSync(join(fakeNode, 'node'), 0o755);
  symlinkSync(HOOK, join(root, 'plugin', 'post-container-create'));
  const home = join(root, 'home');
  mkdirSync(join(home, 'api'), { recursive: true });
  writeFileSync(join(home, 'api', 'CONTAINER.web.1'), 'abc123\n');
  const withProcesses = fc.record(
    { mode: fc.constantFrom('host', 'gateway', 'off'), processes: fc.subarray(['web', 'worker', 'clock'], { minLength: 1 }).map((p) => p.join(',')) },
    { requiredKeys: [] },
  ) as fc.Arbitrary<Settings>;
  fc.assert(
    fc.property(withProcesses, withProcesses, (own, global) => {
      removePath(join(root, 'lib'));
      writeSettings('api', own);
      writeSettings(GLOBAL, global);
      const result = spawnSync(join(root, 'plugin', 'post-container-create'), ['app', 'def456', 'api', 'deploy', 'web'], {
        env: { DOKKU_LIB_ROOT: join(root, 'lib'), DOKKU_ROOT: home, PATH: fakeNode },
        encoding: 'utf8',
      });
      const config = resolveConfig(own, global);
      // handoff.ts: web's deploy containers in host mode; the phases do not matter to the sh entry, which Node then checks
      expect(result.stdout === 'asked-node\n').toBe(config.mode === 'host' && selectsProcess(config, 'web'));
    }),
    { numRuns: 100 },
  );
});

const NAMES = ['traefik.http.routers.api-web-http.service', 'traefik.http.routers.api-web-https.service', 'traefik.http.services.api-web-host-network.loadbalancer.server.url'];
const labels = fc.dictionary(fc.constantFrom(...NAMES), fc.constantFrom('api-web-host-network', 'mine', 'http://172.17.0.1:5000'));

test('uninstall without Node removes exactly the traefik labels disable would remove: those still as the plugin wrote them', () => {
  fc.assert(
    fc.property(labels, labels, (own, store) => {
      removePath(join(root, 'lib'));
      removePath(join(root, 'dokku.log'));
      writeSettings('api', { mode: 'host' });
      writeRecord(join(root, 'lib/data/network-host/api/labels'), own);
      writeRecord(join(root, 'lib/config/traefik/api/labels'), store);
      expect(run('uninstall', ['network-host']).status).toBe(0);
      let removed: string[] = [];
      try {
        removed = readFileSync(join(root, 'dokku.log'), 'utf8').trim().split('\n').filter(Boolean).map((line) => line.split(' ')[2]!);
      } catch {
        // no call
      }
      const facts = app('api', { settings: { mode: 'host' }, proxyType: 'traefik', traefikLabels: store, ownLabels: own });
      const planned = planSettings({ target: 'api', values: { mode: 'off' } }, host([facts])).labels[0]?.remove ?? [];
      expect(removed.sort()).toEqual([...planned].sort());
    }),
    { numRuns: 100 },
  );
});

test('the sh entry serves its answers exactly when stampFresh (the report\'s rule) says they are fresh', () => {
  const fakeNode = mkdtempSync(join(root, 'node-'));
  writeFileSync(join(fakeNode, 'node'), '#!/bin/sh\nif [ "$1" = --version ]; then echo v20.0.0; else echo asked-node; fi\n');
  chmodSync(join(fakeNode, 'node'), 0o755);
  symlinkSync(HOOK, join(root, 'plugin', 'docker-args-process-deploy'));
  const lib = join(root, 'lib');
  const paths = ['config/network-host/api', 'config/network-host/api/mode', 'config/network-host/--global', 'config/network-host/--global/gateway-ip', 'data/network-host/api/args/stamp'];
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: paths.length, maxLength: paths.length }), fc.boolean(), (times, withGlobal) => {
      removePath(lib);
      writeSettings('api', { mode: 'host' });
      if (withGlobal) writeSettings(GLOBAL, { 'gateway-ip': '10.9.8.7' });
      writeAnswers('api', host([app('api', { settings: { mode: 'host' } })], { global: withGlobal ? { 'gateway-ip': '10.9.8.7' } : {} }), undefined);
      const base = Date.now() / 1000 - 100;
      paths.forEach((path, i) => {
        try {
          utimesSync(join(lib, path), base + times[i]!, base + times[i]!);
        } catch {
          // absent without global settings
        }
      });
      const result = spawnSync(join(root, 'plugin', 'docker-args-process-deploy'), ['api', 'dockerfile', 'latest', 'web', '1'], {
        env: { DOKKU_LIB_ROOT: lib, PATH: fakeNode },
        encoding: 'utf8',
      });
      expect(result.stdout === 'asked-node\n').toBe(!stampFresh('api'));
    }),
    { numRuns: 150 },
  );
});
