import { config as baseConfig } from './config';
import { needsBridgeGateway, planPhase, triggerOutput } from '../../src/lib/plan';
import type { Config, Phase } from '../../src/lib/properties';

const config = (overrides: Partial<Config> = {}): Config => baseConfig('off', overrides);
const host = config({ mode: 'host' });
const gateway = config({ mode: 'gateway' });
const gatewayIp = config({ mode: 'gateway', ip: '10.9.8.7', aliases: ['host.docker.internal', 'db.internal'] });

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
});

describe('build arguments per builder (PRODUCT.md §5 table)', () => {
  const bridge = '172.17.0.1';
  test.each<[string, Config, string | undefined, string[], RegExp | undefined]>([
    ['host', host, 'dockerfile', ['--network=host'], undefined],
    ['host', host, 'herokuish', ['--network=host'], undefined],
    ['host', host, 'pack', ['--network=host'], undefined],
    ['host', host, 'nixpacks', [], /nixpacks builder does not support host networking/],
    ['host', host, 'railpack', [], /railpack builder does not support host networking/],
    ['host', host, 'lambda', [], /lambda builder does not support/],
    ['gateway', gateway, 'dockerfile', [`--add-host=host.docker.internal:${bridge}`], undefined],
    ['gateway', gateway, 'herokuish', [`--add-host=host.docker.internal:${bridge}`], undefined],
    ['gateway', gateway, 'pack', [], /pack builder does not support host entries/],
    ['gateway', gateway, 'nixpacks', [`--add-host=host.docker.internal:${bridge}`], undefined],
    ['gateway', gateway, 'railpack', [], /railpack builder does not support host entries/],
    ['gateway, explicit ip wins over the bridge', gatewayIp, 'dockerfile', ['--add-host=host.docker.internal:10.9.8.7', '--add-host=db.internal:10.9.8.7'], undefined],
    ['off', config(), 'pack', [], undefined],
    ['host, build not selected', config({ mode: 'host', phases: ['deploy', 'run'] }), 'nixpacks', [], undefined],
  ])('%s / %s', (_name, cfg, builder, args, warning) => {
    const plan = planPhase(cfg, 'build', { builder, bridgeGateway: bridge });
    expect(plan.args).toEqual(args);
    if (warning) expect(plan.warning).toMatch(warning);
    else expect(plan.warning).toBeUndefined();
  });

  test('gateway build without a known bridge address falls back to host-gateway', () => {
    expect(planPhase(gateway, 'build', { builder: 'dockerfile' }).args).toEqual(['--add-host=host.docker.internal:host-gateway']);
  });

  test.each<[string, Config, boolean]>([
    ['gateway via host-gateway with build', gateway, true],
    ['gateway with an explicit ip', gatewayIp, false],
    ['gateway without build', config({ mode: 'gateway', phases: ['deploy'] }), false],
    ['host', host, false],
  ])('needsBridgeGateway: %s', (_name, cfg, expected) => {
    expect(needsBridgeGateway(cfg)).toBe(expected);
  });
});

test.each<[string[], string]>([
  [[], ''],
  [['--network=host'], ' --network=host'],
  [['--add-host=a:1.2.3.4', '--add-host=b:1.2.3.4'], ' --add-host=a:1.2.3.4 --add-host=b:1.2.3.4'],
])('triggerOutput(%j) is %j (a leading space, nothing for no arguments)', (args, output) => {
  expect(triggerOutput(args)).toBe(output);
});
