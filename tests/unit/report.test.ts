import { appReportFlags, containerStatus, globalReportFlags, parseReportArgs, renderReport, type ContainerNetwork } from '../../src/lib/report';

describe('parseReportArgs (common.ParseReportArgs)', () => {
  test.each<[string[], object]>([
    [[], { app: undefined, global: false, infoFlag: undefined, format: 'stdout' }],
    [['app'], { app: 'app', global: false, format: 'stdout' }],
    [['--global'], { app: undefined, global: true, format: 'stdout' }],
    [['app', '--format', 'json'], { app: 'app', format: 'json' }],
    [['app', '--network-host-mode'], { app: 'app', infoFlag: '--network-host-mode' }],
    [['--global', '--network-host-global-mode'], { global: true, infoFlag: '--network-host-global-mode' }],
  ])('%j', (args, expected) => {
    expect(parseReportArgs(args)).toMatchObject(expected);
  });

  test.each<[string[], RegExp]>([
    [['app', '--network-host-mode', '--network-host-phases'], /allows only a single flag/],
    [['app', '--format', 'yaml'], /Invalid --format value/],
    [['app', '--format'], /--format requires a value/],
    [['app', '--format', 'json', '--network-host-mode'], /--format flag cannot be specified when specifying an info flag/],
    [['a', 'b'], /Usage/],
    [['--global', 'a'], /Usage/],
  ])('%j is refused', (args, message) => {
    expect(() => parseReportArgs(args)).toThrow(message);
  });
});

describe('renderReport (common.ReportSingleApp)', () => {
  const flags = { '--network-host-mode': 'host', '--network-host-computed-gateway-aliases': 'a,b' };
  test('stdout: header, sorted keys, humanised and padded to the longest flag (at least 31)', () => {
    expect(renderReport({ target: 'app', flags, format: 'stdout' })).toBe(
      '=====> app network-host information\n' +
        '       Network host computed gateway aliases: a,b\n' +
        '       Network host mode:                     host\n',
    );
    expect(renderReport({ target: 'app', flags: { '--network-host-mode': 'off' }, format: 'stdout' })).toBe(
      '=====> app network-host information\n       Network host mode:             off\n',
    );
  });
  test('quiet drops the header only', () => {
    expect(renderReport({ target: 'app', flags, format: 'stdout', quiet: true })).not.toMatch(/=====>/);
  });
  test('json: one line, plugin prefix stripped', () => {
    expect(JSON.parse(renderReport({ target: 'app', flags, format: 'json' }))).toEqual({ mode: 'host', 'computed-gateway-aliases': 'a,b' });
  });
  test('a single flag prints the raw value', () => {
    expect(renderReport({ target: 'app', flags, format: 'stdout', infoFlag: '--network-host-mode' })).toBe('host\n');
  });
  test('an unknown flag lists the valid ones, sorted', () => {
    expect(() => renderReport({ target: 'app', flags, format: 'stdout', infoFlag: '--nope' })).toThrow(
      'Invalid flag passed, valid flags: --network-host-computed-gateway-aliases, --network-host-mode',
    );
  });
});

describe('report flags', () => {
  test('app report: app, global and computed value of every key, and each phase', () => {
    const flags = appReportFlags('app', { mode: 'gateway' }, { 'gateway-aliases': 'db\nredis' }, { context: { bridgeGateway: '172.17.0.1' } });
    expect(flags).toMatchObject({
      '--network-host-mode': 'gateway',
      '--network-host-global-mode': '',
      '--network-host-computed-mode': 'gateway',
      '--network-host-gateway-aliases': '',
      '--network-host-global-gateway-aliases': 'db,redis',
      '--network-host-computed-gateway-aliases': 'db,redis',
      '--network-host-computed-phases': 'build,deploy,run',
      '--network-host-build-args': '--add-host=db:172.17.0.1 --add-host=redis:172.17.0.1',
      '--network-host-deploy-args': '--add-host=db:host-gateway --add-host=redis:host-gateway',
      '--network-host-run-args': '--add-host=db:host-gateway --add-host=redis:host-gateway',
      '--network-host-containers': '',
      '--network-host-warnings': 'Builds with pack or railpack get no build arguments (those builders drop the option)',
    });
  });
  test('the report says how redeploys work: stop-then-start in host mode with the deploy phase', () => {
    expect(appReportFlags('app', { mode: 'host' }, {}, { context: {} })['--network-host-redeploys']).toMatch(/^each web container stops just before its replacement starts/);
    expect(appReportFlags('app', { mode: 'host', phases: 'run' }, {}, { context: {} })['--network-host-redeploys']).toBe('zero downtime (Dokku default)');
    expect(appReportFlags('app', { mode: 'gateway' }, {}, { context: {} })['--network-host-redeploys']).toBe('zero downtime (Dokku default)');
  });
  test('an invalid stored value shows in the phase arguments instead of failing the report', () => {
    const flags = appReportFlags('app', { mode: 'hots' }, {}, { context: {} });
    expect(flags['--network-host-deploy-args']).toMatch(/invalid setting: Mode must be one of/);
    expect(flags['--network-host-mode']).toBe('hots');
  });
  test('global report has no app keys', () => {
    expect(Object.keys(globalReportFlags({ mode: 'host' })).sort()).toEqual(
      ['apply', 'gateway-aliases', 'gateway-ip', 'mode', 'phases'].flatMap((k) => [`--network-host-computed-${k}`, `--network-host-global-${k}`]).sort(),
    );
  });
});

describe('containerStatus (drift)', () => {
  const c = (networkMode: string, extraHosts: string[] = [], running = true): ContainerNetwork => ({ networkMode, extraHosts, running });
  test.each<[string, string[], ContainerNetwork[], RegExp]>([
    ['nothing running', ['--network=host'], [c('host', [], false)], /^not running$/],
    ['host as configured', ['--network=host'], [c('host')], /^in sync$/],
    ['host configured, bridge running', ['--network=host'], [c('default')], /1 of 1 running.*dokku ps:rebuild app/],
    ['off configured, host running', [], [c('host')], /1 of 1 running/],
    ['gateway as configured', ['--add-host=h:host-gateway'], [c('default', ['h:host-gateway', 'x:1.2.3.4'])], /^in sync$/],
    ['gateway configured, entry missing', ['--add-host=h:host-gateway'], [c('default'), c('default', ['h:host-gateway'])], /1 of 2 running/],
  ])('%s', (_name, deployArgs, containers, expected) => {
    expect(containerStatus('app', deployArgs, containers)).toMatch(expected);
  });
});
