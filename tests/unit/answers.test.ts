// The sh trigger entry prints exactly what the planner gives, for any settings, builder and bridge shape: the answers
// written when settings change (src/lib/answers.ts) are read back by the built triggers/hook without Node.
import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import fc from 'fast-check';
import { app, host } from './fixtures';
import { writeAnswers } from '../../src/lib/answers';
import { resolveBridgeAddress, type BridgeFacts } from '../../src/lib/bridge';
import { planContext } from '../../src/lib/pipeline';
import { BUILDERS, planPhase, triggerOutput } from '../../src/lib/plan';
import { GLOBAL, resolveConfig, type Phase, type Settings } from '../../src/lib/properties';
import { removePath, writeSettings } from '../../src/lib/store';

const HOOK = resolve(__dirname, '../../triggers/hook');
const CALLS = [
  { trigger: 'docker-args-process-deploy', args: ['api', 'dockerfile', 'latest', 'web', '1'], phase: 'deploy' as Phase, proc: 'web' },
  { trigger: 'docker-args-process-deploy', args: ['api', 'dockerfile', 'latest', 'worker'], phase: 'deploy' as Phase, proc: 'worker' },
  { trigger: 'docker-args-process-deploy', args: ['api', 'dockerfile', 'latest', 'worker', '2'], phase: 'deploy' as Phase, proc: 'worker' },
  { trigger: 'docker-args-process-deploy', args: ['api', 'dockerfile', 'latest', 'clock', '1'], phase: 'deploy' as Phase, proc: 'clock' },
  { trigger: 'docker-args-process-deploy', args: ['api', 'dockerfile', 'latest', 'release_v2', '1'], phase: 'deploy' as Phase, proc: 'release_v2' },
  { trigger: 'docker-args-process-deploy', args: ['api', 'herokuish', 'latest'], phase: 'deploy' as Phase, proc: undefined },
  { trigger: 'docker-args-process-deploy', args: ['api', 'herokuish', 'latest', ''], phase: 'deploy' as Phase, proc: undefined },
  { trigger: 'docker-args-process-run', args: ['api', 'dockerfile', 'latest'], phase: 'run' as Phase, proc: undefined },
  ...BUILDERS.map((builder) => ({ trigger: 'docker-args-process-build', args: ['api', builder], phase: 'build' as Phase, proc: undefined, builder })),
];

const settings = fc.record(
  {
    mode: fc.constantFrom('host', 'gateway', 'off'),
    phases: fc.subarray(['build', 'deploy', 'run'], { minLength: 1 }).map((p) => p.join(',')),
    // the selected process types: web or not, one or several, one that the app never runs
    processes: fc.subarray(['web', 'worker', 'clock', 'release_v2', 'never-scaled'], { minLength: 1 }).map((p) => p.join(',')),
    'gateway-aliases': fc.uniqueArray(fc.constantFrom('host.docker.internal', 'db.internal', 'redis'), { minLength: 1 }).map((a) => a.join('\n')),
    'gateway-ip': fc.constantFrom('host-gateway', '10.9.8.7', 'fd00::7'),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<Settings>;

const bridgeShape: fc.Arbitrary<BridgeFacts> = fc.record({
  hostGatewayIps: fc.constantFrom([], ['10.0.2.2']),
  network: fc.constantFrom(
    { ipam: [{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }], interfaceName: 'docker0' },
    { ipam: [{ Subnet: '172.17.0.0/16' }], interfaceName: 'docker0' },
    { ipam: [{ Subnet: 'fd00::/64', Gateway: 'fd00::1' }, { Subnet: '10.200.0.0/24' }], interfaceName: 'docker0' },
  ),
  interfaceAddresses: fc.constantFrom({ docker0: ['172.17.0.1'] }, { docker0: ['10.200.0.7'] }),
});

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'network-host-answers-'));
  mkdirSync(join(root, 'plugin'));
  mkdirSync(join(root, 'no-node'));
  for (const call of new Set(CALLS.map((c) => c.trigger))) symlinkSync(HOOK, join(root, 'plugin', call));
  process.env.DOKKU_LIB_ROOT = join(root, 'lib');
});
afterAll(() => removePath(root));

test('for any settings, builder and bridge shape, the sh entry prints what the planner prints (without Node)', () => {
  fc.assert(
    fc.property(fc.option(settings, { nil: undefined }), settings, fc.constantFrom('nginx', 'caddy'), bridgeShape, (own, global, proxyType, shape) => {
      removePath(join(root, 'lib'));
      const pidfile = join(root, 'docker.pid');
      writeFileSync(pidfile, '1\n');
      utimesSync(pidfile, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
      writeSettings(GLOBAL, global);
      if (own) writeSettings('api', own);
      const facts = app('api', { settings: own ?? {}, proxyType });
      const h = host([facts], { global, bridge: resolveBridgeAddress(shape) });
      writeAnswers(GLOBAL, h, pidfile);
      if (own) writeAnswers('api', h, pidfile);
      const config = resolveConfig(own ?? {}, global);
      const context = own ? planContext(facts, config, h) : planContext(undefined, config, h);
      for (const call of CALLS) {
        const expected = planPhase(config, call.phase, { ...context, proc: call.proc || undefined, builder: 'builder' in call ? call.builder : undefined });
        const result = spawnSync(join(root, 'plugin', call.trigger), call.args, { env: { DOKKU_LIB_ROOT: join(root, 'lib'), PATH: join(root, 'no-node') }, encoding: 'utf8' });
        expect({ call: call.args, stdout: result.stdout, stderr: result.stderr }).toEqual({
          call: call.args,
          stdout: triggerOutput(expected.args),
          stderr: expected.warning ? ` !     ${expected.warning}\n` : '',
        });
      }
    }),
    { numRuns: 60 },
  );
});

test('answers holding the bridge address are not trusted after dockerd starts again (it rewrites its pidfile)', () => {
  removePath(join(root, 'lib'));
  const pidfile = join(root, 'docker.pid');
  writeFileSync(pidfile, '1\n');
  utimesSync(pidfile, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  writeSettings('api', { mode: 'gateway' });
  const h = host([app('api', { settings: { mode: 'gateway' } })], { bridge: { address: '172.17.0.1', source: 'x' } });
  writeAnswers('api', h, pidfile);
  const run = (trigger: string, args: string[]) => spawnSync(join(root, 'plugin', trigger), args, { env: { DOKKU_LIB_ROOT: join(root, 'lib'), PATH: join(root, 'no-node') }, encoding: 'utf8' });
  expect(run('docker-args-process-build', ['api', 'dockerfile'])).toMatchObject({ stdout: ' --add-host=host.docker.internal:172.17.0.1', stderr: '' });
  writeFileSync(pidfile, '2\n');
  // Node would ask Docker again; without it, the last answer is printed, with the warning.
  expect(run('docker-args-process-build', ['api', 'dockerfile'])).toMatchObject({ stdout: ' --add-host=host.docker.internal:172.17.0.1', stderr: expect.stringMatching(/Node.js >= 12.22.0 is missing \(found: none\)/) });
  expect(run('docker-args-process-deploy', ['api', 'dockerfile', 'latest', 'web', '1'])).toMatchObject({ stdout: ' --add-host=host.docker.internal:host-gateway', stderr: '' });
  // A setting edited by hand after the answers were written makes them stale too.
  writeFileSync(join(root, 'lib/config/network-host/api/mode'), 'host');
  expect(run('docker-args-process-deploy', ['api', 'dockerfile', 'latest', 'web', '1']).stderr).toMatch(/Node.js >= 12.22.0 is missing \(found: none\)/);
});

// The sh entry hands a call to Node only when the Node on PATH is at least the floor the bundles are built for
// (package.json's engines.node); an older one is treated as none, and the warning names what was found.
test.each([
  ['v10.24.1', false],
  ['v11.99.99', false],
  ['v12.21.0', false],
  ['v12.22.0', true],
  ['v12.22.9', true],
  ['v12.22.10', true],
  ['v13.0.0', true],
  ['v18.19.1', true],
  ['v24.22.3', true],
  ['v25.0.0-nightly2026', true],
  ['not-a-version', false],
])('the sh entry with Node %s on PATH runs the bundle: %s', (version, runs) => {
  removePath(join(root, 'lib'));
  writeSettings('api', { mode: 'host' });
  const bin = mkdtempSync(join(root, 'bin-'));
  writeFileSync(join(bin, 'node'), `#!/bin/sh\nif [ "$1" = --version ]; then echo ${version}; else echo "bundle $*"; fi\n`, { mode: 0o755 });
  const result = spawnSync(join(root, 'plugin', 'docker-args-process-run'), ['api', 'dockerfile', 'latest'], { env: { DOKKU_LIB_ROOT: join(root, 'lib'), PATH: bin }, encoding: 'utf8' });
  expect(result.status).toBe(0);
  if (runs) expect(result).toMatchObject({ stdout: expect.stringMatching(/^bundle .*triggers\/triggers docker-args-process-run api dockerfile latest\n$/), stderr: '' });
  else expect(result).toMatchObject({ stdout: '', stderr: expect.stringContaining(`Node.js >= 12.22.0 is missing (found: ${version}), so docker-args-process-run for api runs without`) });
});

test('answers written in the same clock tick as a setting are trusted: the stamp waits until it is past the setting', () => {
  removePath(join(root, 'lib'));
  writeSettings('api', { mode: 'host' });
  // File times come from a coarse clock: a setting written just before the answers can carry the stamp's own time.
  // A time a little ahead stands for that tick, deterministically.
  const ahead = new Date(Date.now() + 20);
  for (const path of [join(root, 'lib/config/network-host/api'), join(root, 'lib/config/network-host/api/mode')]) utimesSync(path, ahead, ahead);
  writeAnswers('api', host([app('api', { settings: { mode: 'host' } })]), undefined);
  const result = spawnSync(join(root, 'plugin', 'docker-args-process-deploy'), ['api', 'dockerfile', 'latest', 'web', '1'], { env: { DOKKU_LIB_ROOT: join(root, 'lib'), PATH: join(root, 'no-node') }, encoding: 'utf8' });
  expect(result).toMatchObject({ stdout: ' --network=host', stderr: '' });
});

test.each(['api', 'api/args'])('answers are never written or cleaned through a symbolic link planted at data/network-host/%s (install runs as root)', (at) => {
  removePath(join(root, 'lib'));
  writeSettings('api', { mode: 'host' });
  const victim = mkdtempSync(join(root, 'victim-'));
  writeFileSync(join(victim, 'precious'), 'keep');
  mkdirSync(join(root, 'lib/data/network-host/api'), { recursive: true });
  removePath(join(root, 'lib/data/network-host', at));
  symlinkSync(victim, join(root, 'lib/data/network-host', at));
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  writeAnswers('api', host([app('api', { settings: { mode: 'host' } })]), undefined);
  expect(String(stderr.mock.calls[0]?.[0])).toMatch(/leads through a symbolic link, so its answers are not written/);
  stderr.mockRestore();
  expect(readdirSync(victim)).toEqual(['precious']);
});
