// The sh trigger entry prints exactly what the planner gives, for any settings, builder and bridge shape: the answers
// written when settings change (src/lib/answers.ts) are read back by the built triggers/hook without Node.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { app, host } from './fixtures';
import { writeAnswers } from '../../src/lib/answers';
import { resolveBridgeAddress, type BridgeFacts } from '../../src/lib/bridge';
import { planContext } from '../../src/lib/pipeline';
import { BUILDERS, planPhase, triggerOutput } from '../../src/lib/plan';
import { GLOBAL, resolveConfig, type Phase, type Settings } from '../../src/lib/properties';
import { writeSettings } from '../../src/lib/store';

const HOOK = resolve(__dirname, '../../triggers/hook');
const CALLS = [
  { trigger: 'docker-args-process-deploy', args: ['api', 'dockerfile', 'latest', 'web', '1'], phase: 'deploy' as Phase, proc: 'web' },
  { trigger: 'docker-args-process-deploy', args: ['api', 'dockerfile', 'latest', 'worker'], phase: 'deploy' as Phase, proc: 'worker' },
  { trigger: 'docker-args-process-deploy', args: ['api', 'herokuish', 'latest'], phase: 'deploy' as Phase, proc: undefined },
  { trigger: 'docker-args-process-run', args: ['api', 'dockerfile', 'latest'], phase: 'run' as Phase, proc: undefined },
  ...BUILDERS.map((builder) => ({ trigger: 'docker-args-process-build', args: ['api', builder], phase: 'build' as Phase, proc: undefined, builder })),
];

const settings = fc.record(
  {
    mode: fc.constantFrom('host', 'gateway', 'off'),
    phases: fc.subarray(['build', 'deploy', 'run'], { minLength: 1 }).map((p) => p.join(',')),
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
afterAll(() => rmSync(root, { recursive: true, force: true }));

test('for any settings, builder and bridge shape, the sh entry prints what the planner prints (without Node)', () => {
  fc.assert(
    fc.property(fc.option(settings, { nil: undefined }), settings, fc.constantFrom('nginx', 'caddy'), bridgeShape, (own, global, proxyType, shape) => {
      rmSync(join(root, 'lib'), { recursive: true, force: true });
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
        const expected = planPhase(config, call.phase, { ...context, proc: call.proc, builder: 'builder' in call ? call.builder : undefined });
        const result = spawnSync(join(root, 'plugin', call.trigger), call.args, { env: { DOKKU_LIB_ROOT: join(root, 'lib'), PATH: join(root, 'no-node') }, encoding: 'utf8' });
        expect({ call: call.args, stdout: result.stdout, stderr: result.stderr }).toEqual({
          call: call.args,
          stdout: triggerOutput(expected.args),
          stderr: expected.warning ? ` !     ${expected.warning}\n` : '',
        });
      }
    }),
    { numRuns: 40 },
  );
});

test('answers holding the bridge address are not trusted after dockerd starts again (it rewrites its pidfile)', () => {
  rmSync(join(root, 'lib'), { recursive: true, force: true });
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
  expect(run('docker-args-process-build', ['api', 'dockerfile'])).toMatchObject({ stdout: ' --add-host=host.docker.internal:172.17.0.1', stderr: expect.stringMatching(/Node.js is missing/) });
  expect(run('docker-args-process-deploy', ['api', 'dockerfile', 'latest', 'web', '1'])).toMatchObject({ stdout: ' --add-host=host.docker.internal:host-gateway', stderr: '' });
  // A setting edited by hand after the answers were written makes them stale too.
  writeFileSync(join(root, 'lib/config/network-host/api/mode'), 'host');
  expect(run('docker-args-process-deploy', ['api', 'dockerfile', 'latest', 'web', '1']).stderr).toMatch(/Node.js is missing/);
});

test('answers written in the same clock tick as a setting are trusted: the stamp waits until it is past the setting', () => {
  rmSync(join(root, 'lib'), { recursive: true, force: true });
  writeSettings('api', { mode: 'host' });
  // File times come from a coarse clock: a setting written just before the answers can carry the stamp's own time.
  // A time a little ahead stands for that tick, deterministically.
  const ahead = new Date(Date.now() + 20);
  for (const path of [join(root, 'lib/config/network-host/api'), join(root, 'lib/config/network-host/api/mode')]) utimesSync(path, ahead, ahead);
  writeAnswers('api', host([app('api', { settings: { mode: 'host' } })]), undefined);
  const result = spawnSync(join(root, 'plugin', 'docker-args-process-deploy'), ['api', 'dockerfile', 'latest', 'web', '1'], { env: { DOKKU_LIB_ROOT: join(root, 'lib'), PATH: join(root, 'no-node') }, encoding: 'utf8' });
  expect(result).toMatchObject({ stdout: ' --network=host', stderr: '' });
});
