import { InvalidValue, normalizeValue, resolveConfig, showValue, type Key, type Settings } from '../../src/lib/properties';

describe('normalizeValue: what :set and the mode commands store', () => {
  test.each<[Key, string, string]>([
    ['mode', 'host', 'host'],
    ['mode', 'gateway', 'gateway'],
    ['mode', 'off', 'off'],
    ['phases', 'run,build', 'build,run'],
    ['phases', 'deploy,deploy', 'deploy'],
    ['phases', ' deploy , run ', 'deploy,run'],
    ['gateway-aliases', 'host.docker.internal', 'host.docker.internal'],
    ['gateway-aliases', 'db.internal,host.docker.internal,db.internal', 'db.internal\nhost.docker.internal'],
    ['gateway-aliases', 'a-1.B-2', 'a-1.B-2'],
    ['gateway-ip', 'host-gateway', 'host-gateway'],
    ['gateway-ip', '172.17.0.1', '172.17.0.1'],
    ['gateway-ip', 'fd00::1', 'fd00::1'],
    ['k3s-node', 'server', 'server'],
    ['k3s-node', 'any', 'any'],
    ['k3s-node', 'ip-10-0-0-1-ab12c', 'ip-10-0-0-1-ab12c'],
    ['processes', 'worker', 'worker'],
    ['processes', 'worker,clock', 'clock,worker'],
    ['processes', ' worker , web,worker ', 'web,worker'],
    ['processes', 'clock\nworker', 'clock,worker'],
    ['processes', 'long_running-2', 'long_running-2'],
  ])('%s %j is stored as %j', (key, input, stored) => {
    expect(normalizeValue(key, input)).toBe(stored);
  });

  test.each<[Key, string, RegExp]>([
    ['mode', 'bridge', /Mode must be one of \[host gateway off\]/],
    ['mode', 'HOST', /Mode must be one of/],
    ['mode', '', /Mode must be one of/],
    ['phases', 'build,release', /Phase\(s\) must be one of \[build deploy run\]/],
    ['phases', '', /Phase\(s\) must be one of/],
    ['gateway-aliases', 'bad name', /not a valid host name/],
    ['gateway-aliases', '"quoted"', /not a valid host name/],
    ['gateway-aliases', "it's", /not a valid host name/],
    ['gateway-aliases', '-leading', /not a valid host name/],
    ['gateway-aliases', 'trailing-', /not a valid host name/],
    ['gateway-aliases', 'a=b', /not a valid host name/],
    ['gateway-aliases', 'a..b', /not a valid host name/],
    ['gateway-aliases', '--privileged', /not a valid host name/],
    ['gateway-aliases', '$(id)', /not a valid host name/],
    ['gateway-aliases', 'ünïcode', /not a valid host name/],
    ['gateway-aliases', `${'a'.repeat(64)}.com`, /not a valid host name/],
    ['gateway-aliases', ',', /At least one alias/],
    ['gateway-ip', '1.2.3', /Gateway IP must be host-gateway or an IPv4\/IPv6 address/],
    ['gateway-ip', '256.1.1.1', /Gateway IP must be/],
    ['gateway-ip', 'localhost', /Gateway IP must be/],
    ['gateway-ip', '1.2.3.4 --privileged', /Gateway IP must be/],
    ['gateway-ip', 'fe80::1%eth0', /Gateway IP must be/],
    ['k3s-node', 'Node-1', /K3s node must be server, any or a node name/],
    ['k3s-node', '--privileged', /K3s node must be/],
    ['processes', 'work er', /Process type "work er" is not valid/],
    ['processes', '--privileged', /Process type "--privileged" is not valid/],
    ['processes', 'web.1', /Process type "web.1" is not valid/],
    ['processes', '../x', /Process type "..\/x" is not valid/],
    ['processes', 'worker_', /Process type "worker_" is not valid/],
  ])('%s %j is refused', (key, input, message) => {
    expect(() => normalizeValue(key, input)).toThrow(message);
  });
});

describe('resolveConfig: app value, else global value, else default', () => {
  const defaults = { mode: 'off', phases: ['build', 'deploy', 'run'], processes: [], aliases: ['host.docker.internal'], ip: 'host-gateway', node: 'server' };
  test.each<[string, Settings, Settings, object]>([
    ['nothing set', {}, {}, defaults],
    ['global only', {}, { mode: 'host', phases: 'deploy' }, { ...defaults, mode: 'host', phases: ['deploy'] }],
    ['app over global', { mode: 'off' }, { mode: 'host' }, { ...defaults, mode: 'off' }],
    ['processes from the global settings', { mode: 'host' }, { processes: 'worker,clock' }, { ...defaults, mode: 'host', processes: ['clock', 'worker'] }],
    ['processes of the app over the global ones', { mode: 'host', processes: 'web' }, { processes: 'worker' }, { ...defaults, mode: 'host', processes: ['web'] }],
    ['mixed keys', { mode: 'gateway' }, { 'gateway-aliases': 'db\nredis', 'gateway-ip': '10.0.0.1' }, { ...defaults, mode: 'gateway', aliases: ['db', 'redis'], ip: '10.0.0.1' }],
  ])('%s', (_name, app, global, expected) => {
    expect(resolveConfig(app, global)).toEqual(expected);
  });

  test.each<[string, Settings, Settings]>([
    ['an app that never used the plugin', {}, { phases: 'bui' }],
    ['an app whose own mode is off', { mode: 'off' }, { mode: 'host', 'gateway-ip': 'nope' }],
    ['an app whose own mode overrides a broken global mode', { mode: 'off' }, { mode: 'hots' }],
  ])('a broken global value does not fail %s (it inherits nothing it would use)', (_name, app, global) => {
    expect(resolveConfig(app, global)).toMatchObject({ mode: 'off' });
  });

  test.each<[string, Settings, Settings, 'app' | 'global', Key]>([
    ['hand-edited app mode', { mode: 'hots' }, {}, 'app', 'mode'],
    ['truncated global phases, inherited by a host-mode app', { mode: 'host' }, { phases: 'bui' }, 'global', 'phases'],
    ['hand-edited global mode, inherited by an app without its own', { phases: 'deploy' }, { mode: 'hots' }, 'global', 'mode'],
    ['injected alias', { 'gateway-aliases': 'ok\n--privileged' }, {}, 'app', 'gateway-aliases'],
    ['empty stored ip', { 'gateway-ip': '' }, {}, 'app', 'gateway-ip'],
  ])('%s names its source and key', (_name, app, global, source, key) => {
    expect(() => resolveConfig(app, global)).toThrow(InvalidValue);
    try {
      resolveConfig(app, global);
    } catch (error) {
      expect(error).toMatchObject({ source, key });
    }
  });
});

test.each<[Key, string | undefined, string]>([
  ['gateway-aliases', 'a\nb', 'a,b'],
  ['gateway-aliases', undefined, ''],
  ['phases', 'run,deploy', 'deploy,run'],
  ['mode', 'garbage\nvalue', 'garbage,value'],
])('showValue(%s, %j) is %j', (key, stored, shown) => {
  expect(showValue(key, stored)).toBe(shown);
});
