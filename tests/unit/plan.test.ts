import { config as baseConfig } from './fixtures';
import { deriveArguments, needsBridgeAddress, planPhase, renderDerivedFile, triggerOutput } from '../../src/lib/plan';
import type { Config, Phase } from '../../src/lib/properties';

const config = (overrides: Partial<Config> = {}): Config => baseConfig('off', overrides);
const host = config({ mode: 'host' });
const gateway = config({ mode: 'gateway' });
const gatewayIp = config({ mode: 'gateway', ip: '10.9.8.7', aliases: ['host.docker.internal', 'db.internal'] });
const bridge = '172.17.0.1';

describe('arguments per mode × phase (deploy and run)', () => {
  test.each<[string, Config, Phase, string[]]>([
    ['off', config(), 'deploy', []],
    ['off', config(), 'run', []],
    ['host', host, 'deploy', ['--network=host']],
    ['host', host, 'run', ['--network=host']],
    ['gateway', gateway, 'deploy', ['--add-host=host.docker.internal:host-gateway']],
    ['gateway', gateway, 'run', ['--add-host=host.docker.internal:host-gateway']],
    ['gateway with ip and aliases', gatewayIp, 'run', ['--add-host=host.docker.internal:10.9.8.7', '--add-host=db.internal:10.9.8.7']],
    ['host, run not selected', config({ mode: 'host', phases: ['deploy'] }), 'run', []],
    ['gateway, deploy not selected', config({ mode: 'gateway', phases: ['build', 'run'] }), 'deploy', []],
  ])('%s / %s', (_name, cfg, phase, args) => {
    expect(planPhase(cfg, phase)).toEqual({ args });
  });

  test.each<[string, Config, string | undefined, string[]]>([
    ['host web container gets its proxy labels', host, 'web', ['--network=host', '--label=caddy.reverse_proxy=172.17.0.1:5000']],
    ['host worker container does not', host, 'worker', ['--network=host']],
    ['app.json task (no process type) does not', host, undefined, ['--network=host']],
    ['gateway web container never needs them', gateway, 'web', ['--add-host=host.docker.internal:host-gateway']],
  ])('deploy labels: %s', (_name, cfg, proc, args) => {
    expect(planPhase(cfg, 'deploy', { proc, proxyLabels: ['--label=caddy.reverse_proxy=172.17.0.1:5000'] }).args).toEqual(args);
  });
});

describe('processes: the deploy arguments reach the selected process types only', () => {
  const label = ['--label=caddy.reverse_proxy=172.17.0.1:5000'];
  test.each<[string, Config, string | undefined, string[]]>([
    ['every type (default): web', host, 'web', ['--network=host', ...label]],
    ['every type (default): worker', host, 'worker', ['--network=host']],
    ['worker only: worker', config({ mode: 'host', processes: ['worker'] }), 'worker', ['--network=host']],
    ['worker only: web keeps the bridge, and gets no proxy label', config({ mode: 'host', processes: ['worker'] }), 'web', []],
    ['worker only: clock', config({ mode: 'host', processes: ['worker'] }), 'clock', []],
    ['worker only: app.json tasks follow the phases', config({ mode: 'host', processes: ['worker'] }), undefined, ['--network=host']],
    ['web and worker: web with its label', config({ mode: 'host', processes: ['web', 'worker'] }), 'web', ['--network=host', ...label]],
    ['gateway, clock only: clock', config({ mode: 'gateway', processes: ['clock'] }), 'clock', ['--add-host=host.docker.internal:host-gateway']],
    ['gateway, clock only: web', config({ mode: 'gateway', processes: ['clock'] }), 'web', []],
    ['worker only, deploy not selected: worker', config({ mode: 'host', phases: ['run'], processes: ['worker'] }), 'worker', []],
  ])('%s', (_name, cfg, proc, args) => {
    expect(planPhase(cfg, 'deploy', { proc, proxyLabels: label }).args).toEqual(args);
  });
  test.each<[string, Phase]>([
    ['builds', 'build'],
    ['dokku run and cron', 'run'],
  ])('%s follow the phases, whatever the processes', (_name, phase) => {
    expect(planPhase(config({ mode: 'host', processes: ['worker'] }), phase, { builder: 'dockerfile', proc: 'web' }).args).toEqual(['--network=host']);
  });
});

describe('build arguments per builder (what each builder forwards)', () => {
  test.each<[string, Config, string | undefined, string[], RegExp | undefined]>([
    ['host', host, 'dockerfile', ['--network=host'], undefined],
    ['host', host, 'herokuish', ['--network=host'], undefined],
    ['host', host, 'pack', ['--network=host'], undefined],
    ['host', host, 'nixpacks', [], /nixpacks builder does not support host networking/],
    ['host', host, 'railpack', [], /railpack builder does not support host networking/],
    ['host, an unknown builder', host, 'future', [], /future builder does not support/],
    ['gateway', gateway, 'dockerfile', [`--add-host=host.docker.internal:${bridge}`], undefined],
    ['gateway', gateway, 'herokuish', [`--add-host=host.docker.internal:${bridge}`], undefined],
    ['gateway', gateway, 'pack', [], /pack builder does not support host entries/],
    ['gateway', gateway, 'nixpacks', [`--add-host=host.docker.internal:${bridge}`], undefined],
    ['gateway', gateway, 'railpack', [], /railpack builder does not support host entries/],
    ['gateway, explicit ip wins over the bridge', gatewayIp, 'dockerfile', ['--add-host=host.docker.internal:10.9.8.7', '--add-host=db.internal:10.9.8.7'], undefined],
    ['off', config(), 'pack', [], undefined],
    ['host, build not selected', config({ mode: 'host', phases: ['deploy', 'run'] }), 'nixpacks', [], undefined],
  ])('%s / %s', (_name, cfg, builder, args, warning) => {
    const plan = planPhase(cfg, 'build', { builder, bridgeAddress: bridge });
    expect(plan.args).toEqual(args);
    if (warning) expect(plan.warning).toMatch(warning);
    else expect(plan.warning).toBeUndefined();
  });

  test('a gateway build never falls back to host-gateway, which BuildKit builds cannot resolve', () => {
    expect(() => planPhase(gateway, 'build', { builder: 'dockerfile' })).toThrow(/address of host-gateway is unknown/);
  });

  test.each<[string, Config, boolean]>([
    ['gateway via host-gateway with build', gateway, true],
    ['gateway with an explicit ip', gatewayIp, false],
    ['gateway without build', config({ mode: 'gateway', phases: ['deploy'] }), false],
    ['host', host, false],
  ])('needsBridgeAddress: %s', (_name, cfg, expected) => {
    expect(needsBridgeAddress(cfg)).toBe(expected);
  });
});

test.each<[string[], string]>([
  [[], ''],
  [['--network=host'], ' --network=host'],
  [['--add-host=a:1.2.3.4', '--add-host=b:1.2.3.4'], ' --add-host=a:1.2.3.4 --add-host=b:1.2.3.4'],
])('triggerOutput(%j) is %j (a leading space, nothing for no arguments)', (args, output) => {
  expect(triggerOutput(args)).toBe(output);
});

describe('deriveArguments: every trigger answer, from planPhase', () => {
  test('gateway with a known bridge: every file, and the bridge dependency', () => {
    const set = deriveArguments(gateway, { bridgeAddress: bridge });
    expect(Object.keys(set.files).sort()).toEqual(['build.dockerfile', 'build.herokuish', 'build.nixpacks', 'build.pack', 'build.railpack', 'deploy', 'deploy-others', 'deploy.web', 'run']);
    expect(set.files['build.dockerfile']).toEqual({ stdout: ` --add-host=host.docker.internal:${bridge}`, warnings: [] });
    expect(set.files['build.pack']!.warnings[0]).toMatch(/pack builder does not support host entries/);
    expect(set.usesBridge).toBe(true);
  });
  test('gateway without a known bridge: no answer for the builds that would need it (Node asks Docker at build time)', () => {
    const set = deriveArguments(gateway, {});
    expect(Object.keys(set.files).sort()).toEqual(['build.pack', 'build.railpack', 'deploy', 'deploy-others', 'deploy.web', 'run']);
    expect(set.usesBridge).toBe(false);
  });
  test('processes: a file per selected type and web, deploy-others for every other type, deploy for app.json tasks', () => {
    const set = deriveArguments(config({ mode: 'host', processes: ['clock', 'worker'] }), { bridgeAddress: bridge, proxyLabels: ['--label=x'] });
    expect(Object.keys(set.files).filter((name) => name.startsWith('deploy')).sort()).toEqual(['deploy', 'deploy-others', 'deploy.clock', 'deploy.web', 'deploy.worker']);
    expect(set.files['deploy.worker']!.stdout).toBe(' --network=host');
    expect(set.files['deploy.clock']!.stdout).toBe(' --network=host');
    expect(set.files['deploy.web']!.stdout).toBe('');
    expect(set.files['deploy-others']!.stdout).toBe('');
    expect(set.files.deploy!.stdout).toBe(' --network=host');
  });
  test('every process type (no processes): deploy-others is what a task gets, web has its labels', () => {
    const set = deriveArguments(host, { bridgeAddress: bridge, proxyLabels: ['--label=x'] });
    expect(set.files['deploy-others']!.stdout).toBe(' --network=host');
    expect(set.files['deploy.web']!.stdout).toBe(' --network=host --label=x');
  });
  test('host: nothing depends on the daemon', () => {
    expect(deriveArguments(host, { bridgeAddress: bridge }).usesBridge).toBe(false);
  });
  test('a file is the answer on line 1 and one warning per further line', () => {
    expect(renderDerivedFile({ stdout: ' --network=host', warnings: [] })).toBe(' --network=host\n');
    expect(renderDerivedFile({ stdout: '', warnings: ['a', 'b'] })).toBe('\na\nb\n');
  });
});
