import { app } from './fixtures';
import type { AppFacts } from '../../src/lib/model';
import type { Settings } from '../../src/lib/properties';
import { appReportFlags, containerStatus, globalReportFlags, parseReportArgs, renderReport, touches, untouchedBlock, type ContainerNetwork } from '../../src/lib/report';

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
  const flagsOf = (settings: Settings, global: Settings = {}, facts?: AppFacts) => appReportFlags({ app: 'api', settings, global, facts, context: { bridgeAddress: '172.17.0.1', proxyLabels: facts ? [] : undefined } });
  test('app report: app, global and computed value of every key, and each phase', () => {
    expect(flagsOf({ mode: 'gateway' }, { 'gateway-aliases': 'db\nredis' })).toMatchObject({
      '--network-host-mode': 'gateway',
      '--network-host-global-mode': '',
      '--network-host-computed-mode': 'gateway',
      '--network-host-gateway-aliases': '',
      '--network-host-global-gateway-aliases': 'db,redis',
      '--network-host-computed-gateway-aliases': 'db,redis',
      '--network-host-computed-phases': 'build,deploy,run',
      '--network-host-computed-k3s-node': 'server',
      '--network-host-build-args': '--add-host=db:172.17.0.1 --add-host=redis:172.17.0.1',
      '--network-host-deploy-args': '--add-host=db:host-gateway --add-host=redis:host-gateway',
      '--network-host-run-args': '--add-host=db:host-gateway --add-host=redis:host-gateway',
      '--network-host-containers': '',
      '--network-host-warnings': 'Builds with pack or railpack get no build arguments (those builders drop the option)',
    });
  });
  test.each<[string, Settings, Partial<AppFacts>, RegExp]>([
    ['off: Dokku\'s own', {}, {}, /^Dokku's own \(network-host changes nothing\)$/],
    ['gateway: zero downtime', { mode: 'gateway' }, {}, /^zero downtime/],
    ['gateway with checks disabled: stop-then-start, said honestly', { mode: 'gateway' }, { checksDisabled: true }, /^stop-then-start: checks are disabled/],
    ['host: zero downtime between the ports of a pair, to be confirmed at the first redeploy', { mode: 'host' }, {}, /^zero downtime: each redeploy starts the new web container on the other port of the pair 5000\/5001 \(now 5000\) while the old one serves; nginx switches when it passes its checks; the first one finds out whether the app listens on \$PORT/],
    ['host, the app known to listen on $PORT, moved to 5001', { mode: 'host' }, { ports: [{ scheme: 'http', host: 80, container: 5001 }], basePort: 5000, redeploy: { base: 5000, written: ['http:80:5001'], before: [], binds: 'port' } }, /^zero downtime: each redeploy starts the new web container on the other port of the pair 5000\/5001 \(now 5001\) while the old one serves; nginx switches when it passes its checks$/],
    ['host, the app found to listen on a fixed port: stop-first, why and the outage', { mode: 'host' }, { redeploy: { base: 5000, written: [], before: [], binds: 'fixed', fixedPort: 3000 } }, /^stop-first: its web container listens on port 3000 whatever PORT says \(found at a redeploy\); the old web container stops right before the new one starts, an outage/],
    ['host with two container ports: stop-first', { mode: 'host' }, { ports: [{ scheme: 'http', host: 80, container: 5000 }, { scheme: 'http', host: 8080, container: 6000 }] }, /^stop-first: it listens on more than one container port \(5000, 6000\)/],
    ['host with a udp map: stop-first', { mode: 'host' }, { ports: [{ scheme: 'http', host: 80, container: 5000 }, { scheme: 'udp', host: 5000, container: 5000 }] }, /^stop-first: its udp map binds port 5000 itself/],
    ['host with checks disabled: Dokku stops the old one first', { mode: 'host' }, { checksDisabled: true }, /^stop-first: checks are disabled for web, so Dokku stops the old container first/],
    ['host without the deploy phase: zero downtime', { mode: 'host', phases: 'run' }, {}, /^zero downtime/],
    ['host on k3s: Recreate', { mode: 'host' }, { scheduler: 'k3s' }, /^Recreate/],
    ['host for the worker only: web keeps zero downtime, and the line says why', { mode: 'host', processes: 'worker' }, {}, /^zero downtime: the new container is checked while the old one serves \(web is not in host mode; host mode for worker\)$/],
    ['host for web and worker: web alternates', { mode: 'host', processes: 'web,worker' }, {}, /^zero downtime: each redeploy starts the new web container on the other port of the pair 5000\/5001/],
    ['host for the worker only on k3s: a rolling update for web', { mode: 'host', processes: 'worker' }, { scheduler: 'k3s' }, /^Kubernetes' rolling update for web \(web is not in host mode; host mode for worker\): Recreate for worker/],
  ])('redeploys: %s', (_name, settings, facts, expected) => {
    expect(flagsOf(settings, {}, app('api', facts))['--network-host-redeploys']).toMatch(expected);
  });
  test.each<[string, Settings, string, string]>([
    ['docker-local, every phase', { mode: 'gateway' }, 'docker-local', 'builds, deploys and app.json tasks, dokku run and cron'],
    ['docker-local, deploy only', { mode: 'host', phases: 'deploy' }, 'docker-local', 'deploys and app.json tasks'],
    ['k3s: pods, builds and tasks, not dokku run', { mode: 'host' }, 'k3s', 'pods (through a Kustomize component), builds, app.json tasks (containers on the Dokku server); not dokku run (its Kubernetes Job gets no Kustomize step)'],
    ['off', {}, 'k3s', ''],
  ])('applies: %s', (_name, settings, scheduler, expected) => {
    expect(flagsOf(settings, {}, app('api', { scheduler }))['--network-host-applies']).toBe(expected);
  });
  const component = (minimal: boolean) => ({ root: '/var/lib/dokku/data/scheduler-k3s/api/kustomization', kustomization: '/var/lib/dokku/data/scheduler-k3s/api/kustomization/kustomization.yaml', minimal });
  test.each<[string, Settings, string, ReturnType<typeof component> | undefined, string]>([
    ["k3s, the plugin's own root", { mode: 'host' }, 'k3s', component(true), 'persistent root /var/lib/dokku/data/scheduler-k3s/api/kustomization'],
    ["k3s, the app's kustomization", { mode: 'gateway' }, 'k3s', component(false), "the app's kustomization /var/lib/dokku/data/scheduler-k3s/api/kustomization/kustomization.yaml"],
    ['k3s, none', { mode: 'host' }, 'k3s', undefined, 'not installed'],
    ['k3s, off but a component left', { mode: 'off' }, 'k3s', component(true), 'persistent root /var/lib/dokku/data/scheduler-k3s/api/kustomization'],
    ['docker-local', { mode: 'host' }, 'docker-local', undefined, ''],
  ])('k3s-component: %s', (_name, settings, scheduler, k3sComponent, expected) => {
    const flags = appReportFlags({ app: 'api', settings, global: {}, facts: app('api', { scheduler }), context: { bridgeAddress: '172.17.0.1', proxyLabels: [] }, k3sComponent });
    expect(flags['--network-host-k3s-component']).toBe(expected);
  });
  test('k3s-component: empty in the block of an app the plugin does not touch', () => {
    expect(flagsOf({})['--network-host-k3s-component']).toBe('');
  });
  test('proxy: what the app\'s proxy does with a host-mode container', () => {
    expect(flagsOf({ mode: 'host' }, {}, app('api'))['--network-host-proxy']).toBe('nginx reaches the app at 127.0.0.1 on port 5000');
    expect(flagsOf({ mode: 'host' }, {}, app('api', { proxyType: 'caddy' }))['--network-host-proxy']).toMatch(/^caddy runs in a bridge container: the plugin points it at 172\.17\.0\.1 on port 5000/);
    expect(flagsOf({ mode: 'gateway' }, {}, app('api', { proxyType: 'haproxy' }))['--network-host-proxy']).toBe('');
  });
  test('processes: the proxy line says web is not in host mode; the per-process deploy arguments', () => {
    const facts = app('api', { scale: { web: 2, worker: 1, clock: 1 } });
    const flags = flagsOf({ mode: 'host', processes: 'worker' }, {}, facts);
    expect(flags['--network-host-proxy']).toBe('web is not in host mode: nginx reaches it as it would without the plugin');
    expect(flags['--network-host-process-deploy-args']).toBe('web: none; clock: none; worker: --network=host; others: none');
    expect(flags['--network-host-computed-processes']).toBe('worker');
    expect(flagsOf({ mode: 'host' }, { processes: 'clock,worker' }, facts)['--network-host-global-processes']).toBe('clock,worker');
    expect(flagsOf({ mode: 'host' }, {}, facts)['--network-host-process-deploy-args']).toBe('web: --network=host; clock: --network=host; worker: --network=host; others: --network=host');
    expect(flagsOf({ mode: 'gateway', processes: 'clock' }, {}, app('api'))['--network-host-process-deploy-args']).toBe('web: none; clock: --add-host=host.docker.internal:host-gateway; others: none');
  });
  test('an invalid stored value shows in the phase arguments instead of failing the report', () => {
    const flags = flagsOf({ mode: 'hots' });
    expect(flags['--network-host-deploy-args']).toMatch(/invalid setting: Mode must be one of/);
    expect(flags['--network-host-mode']).toBe('hots');
  });
  test('global report: no app keys, and the address builds get for host-gateway', () => {
    expect(Object.keys(globalReportFlags({ mode: 'host' }, '172.17.0.1')).sort()).toEqual(
      [...['gateway-aliases', 'gateway-ip', 'k3s-node', 'mode', 'phases', 'processes'].flatMap((k) => [`--network-host-computed-${k}`, `--network-host-global-${k}`]), '--network-host-bridge-address'].sort(),
    );
  });
  test('an app the plugin does not touch has the same block as every other such app', () => {
    expect(touches({}, {})).toBe(false);
    expect(touches({}, { mode: 'off', phases: 'run' })).toBe(false);
    expect(touches({}, { mode: 'gateway' })).toBe(true);
    expect(touches({ mode: 'off' }, {})).toBe(true);
    const block = untouchedBlock({ phases: 'run' });
    expect(renderReport({ target: 'x', flags: appReportFlags({ app: 'x', settings: {}, global: { phases: 'run' }, context: {} }), format: 'stdout', quiet: true })).toBe(block);
    expect(block).toMatch(/Network host global phases: +run\n/);
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
  test('each container is compared with the arguments of its own process type (processes)', () => {
    const argsOf = (proc: string | undefined) => (proc === 'worker' ? ['--network=host'] : []);
    expect(containerStatus('app', argsOf, [{ ...c('host'), proc: 'worker' }, { ...c('default'), proc: 'web' }, { ...c('default'), proc: 'web' }])).toBe('in sync');
    expect(containerStatus('app', argsOf, [{ ...c('default'), proc: 'worker' }, { ...c('host'), proc: 'web' }])).toMatch(/^2 of 2 running/);
  });
});
