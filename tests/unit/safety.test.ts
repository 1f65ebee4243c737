import { config as baseConfig } from './config';
import type { Config } from '../../src/lib/properties';
import { adoptable, handWrittenKind, hostModeFindings, optionFacts, planAdoption, shellWords, type HostModeInput } from '../../src/lib/safety';

const config = (overrides: Partial<Config> = {}): Config => baseConfig('host', overrides);

test.each<[string, string[]]>([
  ['--net=host', ['--net=host']],
  ['--network host', ['--network', 'host']],
  ["--label 'a b'", ['--label', 'a b']],
  ['--env "X=1 2"', ['--env', 'X=1 2']],
  ['--env X=a\\ b', ['--env', 'X=a b']],
  ["--label='$(id)'", ['--label=$(id)']],
  ['  ', []],
])('shellWords(%j)', (text, words) => {
  expect(shellWords(text)).toEqual(words);
});

describe('hand-written entries in any spelling', () => {
  test.each<[string, 'host' | 'gateway' | undefined]>([
    ['--net=host', 'host'],
    ['--network=host', 'host'],
    ['--network host', 'host'],
    ['--net host', 'host'],
    ["'--network=host'", 'host'],
    ['--add-host=host.docker.internal:host-gateway', 'gateway'],
    ['--add-host host.docker.internal:host-gateway', 'gateway'],
    ['--add-host=host.docker.internal=host-gateway', 'gateway'],
    ['--add-host=db:10.0.0.5', undefined],
    ['--network=mynet', undefined],
    ['--network=host --privileged', undefined],
    ['--restart=always', undefined],
    ['--hostname=host', undefined],
  ])('%s → %s', (option, kind) => {
    expect(handWrittenKind(option)).toBe(kind);
  });

  test.each<[string, Config, boolean]>([
    ['--net=host', config(), true],
    ['--net=host', config({ mode: 'gateway' }), false],
    ['--add-host=host.docker.internal:host-gateway', config({ mode: 'gateway' }), true],
    ['--add-host=host.docker.internal:host-gateway', config({ mode: 'gateway', ip: '10.0.0.1' }), true],
    ['--add-host=other.internal:host-gateway', config({ mode: 'gateway' }), false],
    ['--add-host=host.docker.internal:host-gateway', config(), false],
  ])('adoptable(%s) in mode %#', (option, cfg, expected) => {
    expect(adoptable(option, cfg)).toBe(expected);
  });

  test('planAdoption only touches the phases the plugin applies, and exactly the redundant entries', () => {
    const options = { build: ['--net=host', '--build-arg=X=1'], deploy: ['--network host', '--restart=always'], run: ['--net=host'] };
    expect(planAdoption(options, config({ phases: ['deploy', 'run'] }))).toEqual([
      { phase: 'deploy', option: '--network host' },
      { phase: 'run', option: '--net=host' },
    ]);
  });
});

test.each<[string, Partial<ReturnType<typeof optionFacts>>]>([
  ['--link=db:db', { link: true }],
  ['--network-alias=web', { networkAlias: true }],
  ['-p 8080:80', { publish: true }],
  ['-p8080:80', { publish: true }],
  ['--publish-all', { publish: true }],
  ['--network=mynet', { network: 'mynet' }],
])('optionFacts(%j)', (option, expected) => {
  expect(optionFacts(option)).toMatchObject(expected);
});

describe('hostModeFindings: refusals and warnings, each with its fix', () => {
  const base: HostModeInput = {
    app: 'api',
    config: config(),
    options: {},
    network: { initialNetwork: '', attachPostCreate: '', attachPostDeploy: '' },
    webScale: 1,
    webPort: 5000,
    otherHostApps: [],
  };
  test.each<[string, Partial<HostModeInput>, RegExp[], RegExp[]]>([
    ['nothing in the way', {}, [], []],
    ['initial network', { network: { ...base.network, initialNetwork: 'backend' } }, [/network:set api initial-network$/], []],
    ['attach-post-deploy', { network: { ...base.network, attachPostDeploy: 'a,b' } }, [/dokku network:set api attach-post-deploy$/], []],
    ['attach-post-create', { network: { ...base.network, attachPostCreate: 'a' } }, [/dokku network:set api attach-post-create$/], []],
    ['own --network', { options: { deploy: ['--network=backend'] } }, [/docker-options:remove api deploy '--network=backend'/], []],
    ['own --link', { options: { run: ['--link db:db'] } }, [/docker-options:remove api run '--link db:db'/], []],
    ['own --network-alias', { options: { deploy: ['--network-alias=web'] } }, [/only works on user-defined networks/], []],
    ['--publish is only a warning', { options: { deploy: ['-p 8080:5000'] } }, [], [/ignored with host networking/]],
    ['seed recipe is adopted, not refused', { options: { deploy: ['--net=host'] } }, [], []],
    ['web scale 2', { webScale: 2 }, [/dokku ps:scale api web=1/], []],
    ['same port as another host-mode app', { otherHostApps: [{ app: 'other', port: 5000 }] }, [/other already uses port 5000.*ports:set api http:80:5001/], []],
    ['another host-mode app on another port', { otherHostApps: [{ app: 'other', port: 5001 }] }, [], []],
    ['scale does not matter without the deploy phase', { webScale: 3, config: config({ phases: ['run'] }) }, [], []],
    ['gateway mode has no such limits', { webScale: 3, config: config({ mode: 'gateway' }), network: { ...base.network, initialNetwork: 'x' } }, [], []],
  ])('%s', (_name, overrides, errors, warnings) => {
    const findings = hostModeFindings({ ...base, ...overrides });
    expect(findings.errors).toHaveLength(errors.length);
    errors.forEach((pattern, i) => expect(findings.errors[i]).toMatch(pattern));
    expect(findings.warnings).toHaveLength(warnings.length);
    warnings.forEach((pattern, i) => expect(findings.warnings[i]).toMatch(pattern));
  });
});
