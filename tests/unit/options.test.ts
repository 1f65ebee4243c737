import { config as baseConfig } from './fixtures';
import type { Config } from '../../src/lib/properties';
import { adoptable, handWrittenKind, optionFacts, removeCommand, scopedOptions, serviceLink, shellQuote, shellWords } from '../../src/lib/options';

const config = (overrides: Partial<Config> = {}): Config => baseConfig('host', overrides);

test.each<[string, string[]]>([
  ['--net=host', ['--net=host']],
  ['--network host', ['--network', 'host']],
  ["--label 'a b'", ['--label', 'a b']],
  ['--env "X=1 2"', ['--env', 'X=1 2']],
  ['--env X=a\\ b', ['--env', 'X=a b']],
  ["--label='$(id)'", ['--label=$(id)']],
  ["--label=openresty.x='$remote_addr'", ['--label=openresty.x=$remote_addr']],
  ['--label=$remote_addr', ['--label=$remote_addr']],
  ['  ', []],
])('shellWords(%j): split like Dokku stores them, nothing expanded', (text, words) => {
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
});

test.each<[string, Partial<ReturnType<typeof optionFacts>>]>([
  ['--link=db:db', { links: ['db:db'] }],
  ['--link dokku.postgres.main:dokku-postgres-main', { links: ['dokku.postgres.main:dokku-postgres-main'] }],
  ['--network-alias=web', { networkAlias: true }],
  ['-p 8080:80', { publish: true }],
  ['-p8080:80', { publish: true }],
  ['--publish-all', { publish: true }],
  ['--network=mynet', { network: 'mynet' }],
])('optionFacts(%j)', (option, expected) => {
  expect(optionFacts(option)).toMatchObject(expected);
});

test.each<[string, ReturnType<typeof serviceLink>]>([
  ['dokku.postgres.main:dokku-postgres-main', { service: 'postgres', name: 'main', option: 'o' }],
  ['dokku.redis.cache-1:dokku-redis-cache-1', { service: 'redis', name: 'cache-1', option: 'o' }],
  ['mycontainer:db', undefined],
])('serviceLink(%s): datastore links carry the dokku-<service>-<name> alias', (link, expected) => {
  expect(serviceLink(link, 'o')).toEqual(expected);
});

test('scopedOptions lists every scope in the phases asked for', () => {
  const options = { _default_: { build: ['--net=host'], deploy: ['--restart=always'] }, web: { deploy: ['--network=x'] } };
  expect(scopedOptions(options, ['deploy'])).toEqual([
    { scope: '_default_', phase: 'deploy', option: '--restart=always' },
    { scope: 'web', phase: 'deploy', option: '--network=x' },
  ]);
});

describe('fix commands can be pasted whatever the option holds', () => {
  test.each<[string, string, string]>([
    ['_default_', '--link db:db', "dokku docker-options:remove api deploy '--link db:db'"],
    ['web', '--network=backend', 'dokku docker-options:remove --process web api deploy --network=backend'],
    ['_default_', "--label=it's", `dokku docker-options:remove api deploy "--label=it's"`],
  ])('%s %s', (scope, option, command) => {
    expect(removeCommand('api', { scope, phase: 'deploy', option })).toBe(command);
  });
  test('a quote in the option cannot end the quoted word: the shell reads the option back', () => {
    const hostile = "--label=x' ; touch /tmp/pwned ; echo '";
    expect(shellWords(shellQuote(hostile))).toEqual([hostile]);
  });
});
