import { config as baseConfig } from './fixtures';
import { classifyListener, listeningSockets, parseProbe, probeDescription, probePhase, verdict, type Listener, type Probe, type ProbePhase, type VerdictInput } from '../../src/lib/diagnose';
import type { Config } from '../../src/lib/properties';

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0
   1: 00000000:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0
   2: 010011AC:18EB 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3 1 0 100 0 0 10 0
   3: 0100007F:1F41 0100007F:D2A4 01 00000000:00000000 00:00000000 00000000     0        0 4 1 0 100 0 0 10 0`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:0CEA 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5 1 0 100 0 0 10 0
   1: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 6 1 0 100 0 0 10 0`;

test('listeningSockets reads /proc/net/tcp and tcp6 (LISTEN only)', () => {
  expect(listeningSockets(TCP, false)).toEqual([
    { address: '127.0.0.1', port: 8000 },
    { address: '0.0.0.0', port: 5432 },
    { address: '172.17.0.1', port: 6379 },
  ]);
  expect(listeningSockets(TCP6, true)).toEqual([
    { address: '::', port: 3306 },
    { address: '::1', port: 8080 },
  ]);
});

test.each<[number, Listener]>([
  [8000, 'loopback'],
  [5432, 'all'],
  [6379, 'bridge'],
  [3306, 'all'],
  [8080, 'loopback'],
  [9999, 'none'],
])('classifyListener port %i → %s', (port, expected) => {
  const sockets = [...listeningSockets(TCP, false), ...listeningSockets(TCP6, true)];
  expect(classifyListener(sockets, port, '172.17.0.1')).toBe(expected);
});

test.each<[string, object]>([
  ['ADDRESS=172.17.0.1\nMESSAGE=\nRESULT=connected\n', { result: 'connected', address: '172.17.0.1' }],
  ['RESULT=noresolve\n', { result: 'noresolve' }],
  ['ADDRESS=172.17.0.1\nMESSAGE=nc: timed out\nRESULT=timeout', { result: 'timeout', message: 'nc: timed out' }],
  ['docker: Error response from daemon', { result: 'error' }],
])('parseProbe(%j)', (output, expected) => {
  expect(parseProbe(output)).toMatchObject(expected);
});

describe('verdict: each classification names the cause and the fix', () => {
  const config = (overrides: Partial<Config> = {}): Config => baseConfig('gateway', overrides);
  const host = (phases: Config['phases']): Config => baseConfig('host', { phases });
  // the host addresses a listener classification stands for, unless a row gives them
  const LISTENING: Record<Listener, string[]> = { all: ['0.0.0.0'], bridge: ['172.17.0.1'], loopback: ['127.0.0.1'], other: ['10.0.0.5'], none: [] };
  const input = (listener: Listener, result: Probe, overrides: Partial<VerdictInput> = {}): VerdictInput => ({
    app: 'api',
    config: config(),
    port: 5432,
    listener,
    listening: LISTENING[listener],
    probe: { result, address: '172.17.0.1' },
    bridgeIp: '172.17.0.1',
    bridgeSubnet: '172.17.0.0/16',
    ...overrides,
  });
  test.each<[string, VerdictInput, boolean, RegExp, RegExp]>([
    ['reachable', input('all', 'connected'), true, /answers from inside the app/, /^$/],
    ['nothing listening', input('none', 'refused'), false, /nothing listens on port 5432/, /start the service/],
    ['loopback only in gateway mode (PostgreSQL)', input('loopback', 'refused'), false, /127\.0\.0\.1 only/, /listen_addresses.*172\.17\.0\.0\/16.*pg_hba\.conf/],
    ['loopback only, Redis', input('loopback', 'refused', { port: 6379 }), false, /127\.0\.0\.1 only/, /bind 127\.0\.0\.1 172\.17\.0\.1/],
    ['loopback only, MySQL', input('loopback', 'refused', { port: 3306 }), false, /127\.0\.0\.1 only/, /bind-address/],
    ['loopback only, other port', input('loopback', 'refused', { port: 8000 }), false, /127\.0\.0\.1 only/, /listen on 172\.17\.0\.1/],
    ['firewall', input('all', 'timeout'), false, /timed out: a firewall/, /iptables -I INPUT -i docker0 -s 172\.17\.0\.0\/16 -p tcp --dport 5432 -j ACCEPT/],
    ['mode off', input('all', 'noresolve', { config: config({ mode: 'off' }) }), false, /the mode is off/, /network-host:gateway api/],
    ['neither deploy nor run selected (gateway): the fix adds deploy', input('all', 'noresolve', { config: config({ phases: ['build'] }) }), false, /^neither the deploy nor the run phase is selected, so the probe container had no host.docker.internal alias$/, /^dokku network-host:set api phases build,deploy$/],
    ['deploy without run (gateway): the probe had the alias, so the alias is what is missing', input('all', 'noresolve', { config: config({ phases: ['deploy'] }) }), false, /does not resolve/, /--alias host.docker.internal/],
    ['run without deploy (gateway): the probe had the alias too', input('all', 'noresolve', { config: config({ phases: ['build', 'run'] }) }), false, /does not resolve/, /--alias host.docker.internal/],
    ['neither deploy nor run selected, no image yet: the image comes first', input('all', 'noimage', { config: config({ phases: ['build'] }) }), false, /no image yet/, /deploy api/],
    ['host mode, neither deploy nor run selected: the probe ran on the bridge, never "listen on 127.0.0.1"', input('loopback', 'refused', { config: host(['build']), probe: { result: 'refused', address: '127.0.0.1' } }), false, /^neither the deploy nor the run phase is selected, so the probe container ran on the bridge, where 127\.0\.0\.1 is the container itself$/, /^dokku network-host:set api phases build,deploy$/],
    ['host mode, refused although 127.0.0.1 listens: never "listen on 127.0.0.1"', input('loopback', 'refused', { config: host(['deploy']), probe: { result: 'refused', address: '127.0.0.1' } }), false, /refused the connection, although the service listens on 127\.0\.0\.1 on the host/, /^check that the service still runs and accepts connections from 127\.0\.0\.1, then run the check again$/],
    ['host mode, refused although all interfaces listen', input('all', 'refused', { config: host(['build', 'deploy', 'run']), probe: { result: 'refused', address: '127.0.0.1' } }), false, /although the service listens on all interfaces on the host/, /^check that the service still runs/],
    ['host mode, a service on ::1 only: listen on 127.0.0.1', input('loopback', 'refused', { config: host(['deploy']), listening: ['::1'], probe: { result: 'refused', address: '127.0.0.1' } }), false, /nothing listens on 127\.0\.0\.1/, /^make the service listen on 127\.0\.0\.1 or all interfaces$/],
    ['host mode, a service on the docker0 address only: listen on 127.0.0.1', input('bridge', 'refused', { config: host(['deploy']), probe: { result: 'refused', address: '127.0.0.1' } }), false, /nothing listens on 127\.0\.0\.1/, /^make the service listen on 127\.0\.0\.1 or all interfaces$/],
    ['alias missing', input('all', 'noresolve'), false, /does not resolve/, /--alias host.docker.internal/],
    ['no image yet', input('all', 'noimage'), false, /no image yet/, /deploy api/],
    ['host mode, loopback service reachable', input('loopback', 'connected', { config: config({ mode: 'host' }) }), true, /127\.0\.0\.1:5432 answers/, /^$/],
  ])('%s', (_name, given, reachable, reason, fix) => {
    const result = verdict(given);
    expect(result.reachable).toBe(reachable);
    expect(result.reason).toMatch(reason);
    expect(result.fix).toMatch(fix);
  });
});

test.each<[string, Config, ProbePhase, RegExp]>([
  ['every phase: the deployed web containers', baseConfig('gateway'), 'deploy', /^a container with web's deploy-phase arguments \(what the deployed web containers get\)$/],
  ['deploy only', baseConfig('host', { phases: ['deploy'] }), 'deploy', /deploy-phase/],
  ['build and deploy', baseConfig('gateway', { phases: ['build', 'deploy'] }), 'deploy', /deploy-phase/],
  ['run without deploy: dokku run', baseConfig('gateway', { phases: ['build', 'run'] }), 'run', /^a container with the run-phase arguments \(what dokku run gets; the deploy phase is not selected\)$/],
  ['build only: no arguments', baseConfig('host', { phases: ['build'] }), 'none', /^a container without network-host arguments \(neither the deploy nor the run phase is selected\)$/],
  ['mode off: no arguments', baseConfig('off'), 'none', /^a container without network-host arguments \(the mode is off\)$/],
  ['processes without web: the first selected process type', baseConfig('host', { processes: ['clock', 'worker'] }), 'deploy', /^a container with clock's deploy-phase arguments \(what its deployed containers get; web gets none, processes being clock,worker\)$/],
  ['processes with web: web', baseConfig('host', { processes: ['web', 'worker'] }), 'deploy', /^a container with web's deploy-phase arguments/],
])('probePhase and probeDescription: %s', (_name, given, phase, description) => {
  expect(probePhase(given)).toBe(phase);
  expect(probeDescription(given)).toMatch(description);
});
