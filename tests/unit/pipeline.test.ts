// The plans every command and hook goes through, as tables over facts (the reproductions of the write-path and
// redeploy reviews: each row failed before one pipeline served every path).
import { app, host } from './fixtures';
import { planClone, planContext, planPreflight, planSettings, type Plan } from '../../src/lib/pipeline';
import type { AppFacts, HostFacts } from '../../src/lib/model';

const refusal = (fn: () => Plan): string => {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('not refused');
};

const hostApp = (name: string, overrides: Partial<AppFacts> = {}): AppFacts => app(name, { settings: { mode: 'host' }, ...overrides });

describe('every write path gets the same refusals', () => {
  const conflicted = app('api', { options: { _default_: { deploy: ['--net=host'], run: ['--net=host'] } }, network: { initialNetwork: 'mynet', attachPostCreate: '', attachPostDeploy: '' } });
  test.each<[string, Parameters<typeof planSettings>[0]]>([
    ['enable (mode host)', { target: 'api', values: { mode: 'host' } }],
    [':set APP mode host', { target: 'api', values: { mode: 'host' } }],
    [':set --global mode host', { target: '--global', values: { mode: 'host' } }],
  ])('%s refuses an app on another network, naming the fix', (_name, change) => {
    expect(refusal(() => planSettings(change, host([conflicted])))).toMatch(/joins network mynet.*Fix: dokku network:set api initial-network/);
  });

  test(':set of phases on a host-mode app is checked too', () => {
    const h = host([hostApp('api', { settings: { mode: 'host', phases: 'run' }, scale: { web: 3 } })]);
    expect(refusal(() => planSettings({ target: 'api', values: { phases: 'deploy,run' } }, h))).toMatch(/runs 3 web containers.*dokku ps:scale api web=1/);
  });

  test(':set --global mode host lists every app that would clash, each with its fix', () => {
    const h = host([app('a1'), app('a2'), app('a3', { ports: [{ scheme: 'http', host: 80, container: 5003 }] }), app('a4', { scale: { web: 2 }, ports: [{ scheme: 'http', host: 80, container: 5004 }] })]);
    const message = refusal(() => planSettings({ target: '--global', values: { mode: 'host' } }, h));
    expect(message).toMatch(/cannot be used as the global setting/);
    expect(message).toMatch(/a1: Host-mode app a2 already uses port 5000\. Fix: give a1 another port/);
    expect(message).toMatch(/a2: Host-mode app a1 already uses port 5000/);
    expect(message).toMatch(/a4: a4 runs 2 web containers.*dokku ps:scale a4 web=1/);
    expect(message).not.toMatch(/a3:/);
  });

  test('an app with its own mode is not affected by the global one', () => {
    const h = host([app('a1', { settings: { mode: 'off' } }), app('a2')]);
    expect(planSettings({ target: '--global', values: { mode: 'host' } }, h).changed).toEqual(['a2']);
  });

  test('adoption happens on every path: the documented recipe is removed, in every scope', () => {
    const facts = app('api', { options: { _default_: { deploy: ['--net=host'], build: ['--restart=no'] }, web: { deploy: ['--network host'] } } });
    for (const change of [{ target: 'api', values: { mode: 'host' } }, { target: '--global', values: { mode: 'host' } }]) {
      expect(planSettings(change, host([facts])).adoptions).toEqual([
        { app: 'api', entry: { scope: '_default_', phase: 'deploy', option: '--net=host' } },
        { app: 'api', entry: { scope: 'web', phase: 'deploy', option: '--network host' } },
      ]);
    }
  });

  test('conflicts in process-scoped docker-options are seen, and the fix names the process', () => {
    const facts = app('api', { options: { _default_: {}, web: { deploy: ['--network=backend'] } } });
    expect(refusal(() => planSettings({ target: 'api', values: { mode: 'host' } }, host([facts])))).toMatch(/process web.*dokku docker-options:remove --process web api deploy --network=backend/);
  });

  test('a datastore link gets its own message and both fixes', () => {
    const facts = app('api', { options: { _default_: { deploy: ['--link dokku.postgres.main:dokku-postgres-main'] } } });
    const message = refusal(() => planSettings({ target: 'api', values: { mode: 'host' } }, host([facts])));
    expect(message).toMatch(/linked to the postgres service main/);
    expect(message).toMatch(/dokku network-host:gateway api/);
    expect(message).toMatch(/dokku postgres:expose main <port>, then dokku postgres:unlink main api/);
  });

  test('gateway mode keeps the link and the networks', () => {
    const facts = app('api', { options: { _default_: { deploy: ['--link dokku.postgres.main:dokku-postgres-main'] } }, network: { initialNetwork: 'mynet', attachPostCreate: '', attachPostDeploy: '' } });
    expect(planSettings({ target: 'api', values: { mode: 'gateway' } }, host([facts])).changed).toEqual(['api']);
  });
});

describe('ports: what Dokku will really use, against other host-mode apps and the host', () => {
  test('two apps that are not deployed yet (no port known) can both be in host mode', () => {
    const h = host([hostApp('a1', { ports: [] }), app('a2', { ports: [] })]);
    const plan = planSettings({ target: 'a2', values: { mode: 'host' } }, h);
    expect(plan.changed).toEqual(['a2']);
    expect(plan.warnings.join('\n')).toMatch(/a2 has no port yet: it is known after the first build, and checked at that deploy/);
  });
  test('an app whose image exposes 80 cannot take the port nginx listens on', () => {
    const h = host([app('api', { ports: [{ scheme: 'http', host: 80, container: 80 }] })], { listeners: [{ address: '0.0.0.0', port: 80 }] });
    expect(refusal(() => planSettings({ target: 'api', values: { mode: 'host' } }, h))).toMatch(/Port 80 already listens on this host.*dokku ports:set api http:80:81/);
  });
  test('an app already in host mode holds its own port: changing another key is no clash', () => {
    const h = host([hostApp('api')], { listeners: [{ address: '0.0.0.0', port: 5000 }] });
    expect(planSettings({ target: 'api', values: { 'gateway-aliases': 'db.internal' } }, h).changed).toEqual([]);
  });
});

describe('the deploy preflight (scheduler-deploy, before any container is touched)', () => {
  test('ps:scale web=2 is refused on every deploy, naming ps:scale APP web=1', () => {
    const h = host([hostApp('api', { scale: { web: 2 } })]);
    expect(refusal(() => planPreflight('api', 'deploy', h))).toMatch(/deploy of api is refused by network-host.*dokku ps:scale api web=1/s);
  });
  test('a link added after host mode was enabled fails the deploy early', () => {
    const h = host([hostApp('api', { options: { _default_: { deploy: ['--link dokku.redis.cache:dokku-redis-cache'] } } })]);
    expect(refusal(() => planPreflight('api', 'deploy', h))).toMatch(/linked to the redis service cache/);
  });
  test('its own port is held by its previous container: no clash with itself', () => {
    const h = host([hostApp('api')], { listeners: [{ address: '0.0.0.0', port: 5000 }] });
    expect(planPreflight('api', 'deploy', h).derive).toEqual(['api']);
  });
  test('another host-mode app that took the port meanwhile is a clash', () => {
    const h = host([hostApp('api'), hostApp('other')]);
    expect(refusal(() => planPreflight('api', 'deploy', h))).toMatch(/Host-mode app other already uses port 5000/);
  });
  test('dokku run checks what concerns run containers only (the scale does not)', () => {
    const h = host([hostApp('api', { scale: { web: 2 } })]);
    expect(planPreflight('api', 'run', h).derive).toEqual([]);
  });
  test('gateway apps have no preflight', () => {
    expect(planPreflight('api', 'deploy', host([app('api', { settings: { mode: 'gateway' }, scale: { web: 4 } })])).derive).toEqual([]);
  });
});

describe('proxies', () => {
  test('haproxy or openresty anywhere on the host: host mode is refused for every app, in any phase, with the gateway alternative', () => {
    for (const type of ['haproxy', 'openresty']) {
      const h = host([hostApp('api', { settings: { mode: 'host', phases: 'run' } }), app('shop', { proxyType: type })]);
      expect(refusal(() => planPreflight('api', 'run', h))).toMatch(new RegExp(`The ${type} proxy \\(used by shop\\).*dokku network-host:gateway api`));
      expect(refusal(() => planSettings({ target: 'api', values: { mode: 'host' } }, h))).toMatch(new RegExp(`${type} proxy`));
    }
  });
  test('caddy: the web containers get a later caddy.reverse_proxy label on the bridge address', () => {
    const facts = hostApp('api', { proxyType: 'caddy' });
    expect(planContext(facts, { mode: 'host', phases: ['deploy'], aliases: [], ip: 'host-gateway', node: 'server' }, host([facts])).proxyLabels).toEqual(['--label=caddy.reverse_proxy=172.17.0.1:5000']);
  });
  test('traefik: a service of its own in traefik\'s labels store, recorded, kept in step and removed on disable', () => {
    const facts = app('api', { proxyType: 'traefik', ports: [{ scheme: 'http', host: 80, container: 5000 }, { scheme: 'https', host: 443, container: 5000 }] });
    const enable = planSettings({ target: 'api', values: { mode: 'host' } }, host([facts])).labels[0]!;
    expect(enable.add).toEqual({
      'traefik.http.services.api-web-host-network.loadbalancer.server.url': 'http://172.17.0.1:5000',
      'traefik.http.routers.api-web-http.service': 'api-web-host-network',
      'traefik.http.routers.api-web-https.service': 'api-web-host-network',
    });
    const enabled = { ...facts, settings: { mode: 'host' }, traefikLabels: enable.own, ownLabels: enable.own };
    expect(planSettings({ target: 'api', values: { mode: 'host' } }, host([enabled])).labels).toEqual([]);
    const moved = planSettings({ target: 'api', values: { mode: 'host' } }, host([enabled], { bridge: { address: '10.9.0.1', source: 'x' } })).labels[0]!;
    expect(moved.add).toEqual({ 'traefik.http.services.api-web-host-network.loadbalancer.server.url': 'http://10.9.0.1:5000' });
    const disable = planSettings({ target: 'api', values: { mode: 'off' } }, host([enabled])).labels[0]!;
    expect(disable).toMatchObject({ add: {}, own: {} });
    expect(disable.remove.sort()).toEqual(Object.keys(enable.own).sort());
  });
  test('traefik: a label of the same name the user wrote is left alone', () => {
    const facts = app('api', { proxyType: 'traefik', traefikLabels: { 'traefik.http.routers.api-web-http.service': 'mine' } });
    const plan = planSettings({ target: 'api', values: { mode: 'host' } }, host([facts]));
    expect(Object.keys(plan.labels[0]!.add)).not.toContain('traefik.http.routers.api-web-http.service');
    expect(plan.warnings.join('\n')).toMatch(/set by hand \(mine\); the plugin leaves it alone/);
  });
});

test('Dokku in Docker: host mode refused with the reason; gateway reaches the Docker host', () => {
  const h: HostFacts = host([app('api')], { dokkuInDocker: true });
  expect(refusal(() => planSettings({ target: 'api', values: { mode: 'host' } }, h))).toMatch(/Dokku runs inside a container.*dokku network-host:gateway api/);
  expect(planSettings({ target: 'api', values: { mode: 'gateway' } }, h).changed).toEqual(['api']);
});

test('host mode says what it exposes, with the fix that fits the proxy', () => {
  expect(planSettings({ target: 'api', values: { mode: 'host' } }, host([app('api')])).warnings.join('\n')).toMatch(/listens on this host's interfaces at port 5000.*listen on 127\.0\.0\.1/);
  expect(planSettings({ target: 'api', values: { mode: 'host' } }, host([app('api', { proxyType: 'caddy' })])).warnings.join('\n')).toMatch(/ufw allow in on docker0 to any port 5000/);
});

describe('apps:clone', () => {
  test('a host-mode clone would bind its source\'s port: it gets mode off, with the way back', () => {
    const h = host([hostApp('api', { settings: { mode: 'host', phases: 'deploy,run' } }), app('api-2')]);
    const plan = planClone('api', 'api-2', h);
    expect(plan.settings).toEqual([{ target: 'api-2', settings: { mode: 'off', phases: 'deploy,run' } }]);
    expect(plan.warnings[0]).toMatch(/dokku network-host:enable api-2/);
  });
  test('a gateway clone keeps its settings', () => {
    const h = host([app('api', { settings: { mode: 'gateway' } }), app('api-2')]);
    expect(planClone('api', 'api-2', h).settings).toEqual([{ target: 'api-2', settings: { mode: 'gateway' } }]);
  });
});

test('an invalid stored value names the key and the fix, and nothing is planned', () => {
  const h = host([app('api', { settings: { phases: 'deploy,relase' } })]);
  expect(refusal(() => planSettings({ target: 'api', values: { mode: 'host' } }, h))).toMatch(/Invalid network-host phases stored for app api.*dokku network-host:set api phases/);
});

describe('k3s apps: the component each setting gives the pods', () => {
  const k3s = (overrides: Partial<AppFacts> = {}) => app('api', { scheduler: 'k3s', ...overrides });
  const cluster: Partial<HostFacts> = { k3s: { serverNode: 'dokku-server', serverAddress: '10.0.0.5' } };
  test.each<[string, Record<string, string>, Partial<HostFacts>, object, RegExp | undefined]>([
    ['host mode pins to the server node', { mode: 'host' }, cluster, { mode: 'host', node: 'dokku-server' }, undefined],
    ['gateway mode points the aliases at the server node', { mode: 'gateway' }, cluster, { mode: 'gateway', address: '10.0.0.5', node: 'dokku-server' }, undefined],
    ['gateway mode with an explicit gateway-ip', { mode: 'gateway', 'gateway-ip': '10.9.9.9', 'k3s-node': 'any' }, cluster, { address: '10.9.9.9', node: undefined }, undefined],
    ['gateway mode on any node: HOST_IP only', { mode: 'gateway', 'k3s-node': 'any' }, cluster, { mode: 'gateway', address: undefined, node: undefined }, /Kubernetes has no host-gateway.*gateway-ip <address>/],
    ['an unknown server node: no pin, no address, and why', { mode: 'gateway' }, { k3s: { error: 'no server node' } }, { address: undefined, node: undefined }, /node Dokku runs on is unknown \(no server node\)/],
  ])('%s', (_name, values, facts, networking, warning) => {
    const plan = planSettings({ target: 'api', values }, host([k3s()], facts));
    expect(plan.k3s).toEqual([{ app: 'api', networking: expect.objectContaining(networking) }]);
    if (warning) expect(plan.warnings.join('\n')).toMatch(warning);
  });
  test.each<[string, Record<string, string>, number, RegExp]>([
    ['pinned: two pods would bind one node\'s ports', { mode: 'host' }, 2, /runs 2 worker pods pinned to one node.*dokku ps:scale api worker=1/],
    ['unpinned: more pods than ready nodes', { mode: 'host', 'k3s-node': 'any' }, 4, /runs 4 worker pods with host networking, but the cluster has 3 ready node\(s\).*dokku ps:scale api worker=3/],
  ])('host mode refuses replicas beyond the eligible nodes, %s', (_name, settings, count, message) => {
    const h = host([k3s({ settings, scale: { web: 1, worker: count } })], { k3s: { ...cluster.k3s, nodes: 3 } });
    expect(refusal(() => planPreflight('api', 'deploy', h))).toMatch(message);
  });
  test('unpinned pods up to the number of nodes are only a note', () => {
    const h = host([k3s({ settings: { mode: 'host', 'k3s-node': 'any' }, scale: { web: 1, worker: 3 } })], { k3s: { ...cluster.k3s, nodes: 3 } });
    expect(planPreflight('api', 'deploy', h).warnings.join('\n')).toMatch(/3 worker pods with host networking: each needs a node of its own/);
  });
  test('mode off takes the component away', () => {
    expect(planSettings({ target: 'api', values: { mode: 'off' } }, host([k3s({ settings: { mode: 'host' } })], cluster)).k3s).toEqual([{ app: 'api', networking: undefined }]);
  });
});
