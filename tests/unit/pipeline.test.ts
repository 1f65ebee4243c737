// The plans every command and hook goes through, as tables over facts (the reproductions of the write-path and
// redeploy reviews: each row failed before one pipeline served every path).
import { app, host } from './fixtures';
import { planClone, planContext, planPreflight, planSettings, type Plan } from '../../src/lib/pipeline';
import { portMaps, type AppFacts, type HostFacts } from '../../src/lib/model';

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
    const h = host([app('a1'), app('a2'), app('a3', { ports: [{ scheme: 'http', host: 80, container: 5003 }] }), app('a4', { scale: { web: 2 }, ports: [{ scheme: 'http', host: 80, container: 5005 }] })]);
    const message = refusal(() => planSettings({ target: '--global', values: { mode: 'host' } }, h));
    expect(message).toMatch(/cannot be used as the global setting/);
    // each holds its pair (5000, 5001): the fix names the first port past it
    expect(message).toMatch(/a1: Host-mode app a2 already uses port 5000 \(its redeploys alternate between 5000 and 5001\)\. Fix: give a1 another port, e\.g\. dokku ports:set a1 http:80:5002/);
    expect(message).toMatch(/a2: Host-mode app a1 already uses port 5000/);
    expect(message).toMatch(/a4: a4 runs 2 web containers.*dokku ps:scale a4 web=1/);
    expect(message).not.toMatch(/a3:/);
  });

  test.each<[string, Parameters<typeof planSettings>[0]]>([
    ['enable', { target: 'api', values: { mode: 'host' } }],
    [':set --global mode host', { target: '--global', values: { mode: 'host' } }],
  ])('a program on the second port of the pair is said at %s, not refused: redeploys stop first while it runs', (_name, change) => {
    const h = host([app('api')], { listeners: [{ address: '0.0.0.0', port: 5001 }] });
    expect(planSettings(change, h).warnings).toContain(
      "Port 5001 already listens on this host: api's redeploys move its web container there and back (zero downtime), so until it is free they stop the old container first",
    );
    // and at the deploy preflight
    const enabled = host([hostApp('api')], { listeners: [{ address: '0.0.0.0', port: 5001 }] });
    expect(planPreflight('api', 'deploy', enabled).warnings.some((w) => w.startsWith('Port 5001 already listens'))).toBe(true);
  });

  test.each<[string, number, Partial<AppFacts>, boolean]>([
    ['the next port (the pair overlaps)', 5001, {}, true],
    ['two ports on (pairs side by side)', 5002, {}, false],
    ['the next port of an app found to listen on a fixed port (no pair)', 5001, { redeploy: { base: 5000, written: [], before: [], binds: 'fixed', fixedPort: 5000 } }, false],
    ['the next port of an app with checks disabled (stop-first: no pair)', 5001, { checksDisabled: true }, false],
    ['the base port while the other app sits on its second port', 5000, { ports: [{ scheme: 'http', host: 80, container: 5001 }], basePort: 5000 }, true],
  ])('a host-mode app on %s of another one: refused = %s', (_name, port, other, refused) => {
    const h = host([app('a1', { settings: { mode: 'host' }, ...other }), app('a2', { ports: [{ scheme: 'http', host: 80, container: port }] })]);
    const attempt = () => planSettings({ target: 'a2', values: { mode: 'host' } }, h);
    if (refused) expect(refusal(attempt)).toMatch(/Host-mode app a1 already uses port/);
    else expect(attempt).not.toThrow();
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
  test('two apps on Dokku\'s default port (never built, or built by nixpacks or railpack, which record no map) clash on 5000', () => {
    const fallback = portMaps({ map: [], detected: [], proxyPort: 0, proxySslPort: 0, certExists: false });
    const h = host([hostApp('a1', { ports: fallback }), app('a2', { ports: fallback })]);
    expect(refusal(() => planSettings({ target: 'a2', values: { mode: 'host' } }, h))).toMatch(/Host-mode app a1 already uses port 5000/);
  });
  test('an app whose image exposes 80 cannot take the port nginx listens on', () => {
    const h = host([app('api', { ports: [{ scheme: 'http', host: 80, container: 80 }] })], { listeners: [{ address: '0.0.0.0', port: 80 }] });
    expect(refusal(() => planSettings({ target: 'api', values: { mode: 'host' } }, h))).toMatch(/Port 80 is where the proxy listens for every app on this host.*Fix: .*dokku ports:set api http:80:5000/);
  });
  test('an app whose host-mode container runs holds its own port: changing another key is no clash', () => {
    const h = host([hostApp('api', { hostNetworkRunning: true })], { listeners: [{ address: '0.0.0.0', port: 5000 }] });
    expect(planSettings({ target: 'api', values: { 'gateway-aliases': 'db.internal' } }, h).changed).toEqual([]);
  });
  test('after disable --no-rebuild its host-mode container still runs: enable again is no clash with itself', () => {
    const h = host([app('api', { settings: { mode: 'off' }, hostNetworkRunning: true })], { listeners: [{ address: '0.0.0.0', port: 5000 }] });
    expect(planSettings({ target: 'api', values: { mode: 'host' } }, h).changed).toEqual(['api']);
  });
  test('EXPOSE 5000 gives the detected map http:5000:5000, where nginx itself listens: the fix moves nginx to 80, not the app', () => {
    const h = host([app('api', { ports: [{ scheme: 'http', host: 5000, container: 5000 }] })], { listeners: [{ address: '0.0.0.0', port: 5000 }] });
    expect(refusal(() => planSettings({ target: 'api', values: { mode: 'host' } }, h))).toMatch(/Port 5000 is where nginx listens for api's own port map http:5000:5000.*Fix: dokku ports:set api http:80:5000$/);
  });
  test('a port another program holds is named as such, with both fixes', () => {
    const h = host([app('api')], { listeners: [{ address: '127.0.0.1', port: 5000 }] });
    expect(refusal(() => planSettings({ target: 'api', values: { mode: 'host' } }, h))).toMatch(/Port 5000 already listens on this host \(a program that is not a host-mode app\).*Fix: stop that program, or give api another port, e.g. dokku ports:set api http:80:5001/);
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
  test('its own port is held by its previous host-mode container: no clash with itself', () => {
    const h = host([hostApp('api', { hostNetworkRunning: true })], { listeners: [{ address: '0.0.0.0', port: 5000 }] });
    expect(planPreflight('api', 'deploy', h).derive).toEqual(['api']);
  });
  test('a first host-mode deploy onto a port that listens already is refused, as at enable (ports:set after enable, EXPOSE 80)', () => {
    const h = host([hostApp('api', { ports: [{ scheme: 'http', host: 80, container: 80 }] })], { listeners: [{ address: '0.0.0.0', port: 80 }] });
    expect(refusal(() => planPreflight('api', 'deploy', h))).toMatch(/The deploy of api is refused[\s\S]*Port 80 is where the proxy listens/);
  });
  test('another host-mode app that took the port meanwhile is a clash', () => {
    const h = host([hostApp('api'), hostApp('other')]);
    expect(refusal(() => planPreflight('api', 'deploy', h))).toMatch(/Host-mode app other already uses port 5000/);
  });
  test('the recipe\'s --net=host added after enable is adopted at the deploy, not sent to Docker twice', () => {
    const h = host([hostApp('api', { options: { _default_: { deploy: ['--net=host'] } } })]);
    expect(planPreflight('api', 'deploy', h).adoptions).toEqual([{ app: 'api', entry: { scope: '_default_', phase: 'deploy', option: '--net=host' } }]);
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
    expect(planContext(facts, { mode: 'host', phases: ['deploy'], processes: [], aliases: [], ip: 'host-gateway', node: 'server' }, host([facts])).proxyLabels).toEqual(['--label=caddy.reverse_proxy=172.17.0.1:5000']);
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
  test('caddy: no label where caddy-vhosts emits no site (no domains, vhost disabled): a lone caddy.* label is a global option', () => {
    const hostMode = { mode: 'host' as const, phases: ['deploy' as const], processes: [], aliases: [], ip: 'host-gateway', node: 'server' };
    for (const vhost of [{ enabled: true, domains: [], letsencrypt: false }, { enabled: false, domains: [], letsencrypt: false }]) {
      const facts = hostApp('api', { proxyType: 'caddy', vhost });
      expect(planContext(facts, hostMode, host([facts])).proxyLabels).toEqual([]);
    }
    // with a letsencrypt email and an https:443 map, caddy's site proxies to the https map's port
    const tls = hostApp('api', { proxyType: 'caddy', vhost: { enabled: true, domains: ['api.example.com'], letsencrypt: true }, ports: [{ scheme: 'http', host: 80, container: 5000 }, { scheme: 'https', host: 443, container: 5001 }] });
    expect(planContext(tls, hostMode, host([tls])).proxyLabels).toEqual(['--label=caddy.reverse_proxy=172.17.0.1:5001']);
  });
  test('traefik with a letsencrypt email and only an http map: the https router traefik-vhosts makes is repointed too', () => {
    const facts = app('api', { proxyType: 'traefik', vhost: { enabled: true, domains: [], letsencrypt: true } });
    expect(planSettings({ target: 'api', values: { mode: 'host' } }, host([facts])).labels[0]!.add).toEqual({
      'traefik.http.services.api-web-host-network.loadbalancer.server.url': 'http://172.17.0.1:5000',
      'traefik.http.routers.api-web-http.service': 'api-web-host-network',
      'traefik.http.routers.api-web-https.service': 'api-web-host-network',
    });
  });
  test('traefik with different http and https container ports: a service per port', () => {
    const facts = app('api', { proxyType: 'traefik', ports: [{ scheme: 'http', host: 80, container: 5000 }, { scheme: 'https', host: 443, container: 5001 }] });
    expect(planSettings({ target: 'api', values: { mode: 'host' } }, host([facts])).labels[0]!.add).toEqual({
      'traefik.http.services.api-web-host-network.loadbalancer.server.url': 'http://172.17.0.1:5000',
      'traefik.http.routers.api-web-http.service': 'api-web-host-network',
      'traefik.http.services.api-web-https-host-network.loadbalancer.server.url': 'http://172.17.0.1:5001',
      'traefik.http.routers.api-web-https.service': 'api-web-https-host-network',
    });
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

describe('processes: host mode for chosen process types only', () => {
  const only = (proc: string, overrides: Partial<AppFacts> = {}): AppFacts => app('api', { settings: { mode: 'host', processes: proc }, ...overrides });
  test.each<[string, Partial<AppFacts>, Partial<HostFacts>]>([
    ['web scaled to 2', { scale: { web: 2, worker: 1 } }, {}],
    ["web's port listening already", {}, { listeners: [{ address: '0.0.0.0', port: 5000 }] }],
    ["another host-mode app on web's port", {}, {}],
    ['Dokku in Docker (nginx reaches web as without the plugin)', {}, { dokkuInDocker: true }],
    ['a network option scoped to web', { options: { _default_: {}, web: { deploy: ['--network=backend'] } } }, {}],
  ])('a web that is not in host mode is no concern: %s', (_name, facts, hostFacts) => {
    const h = host([only('worker', facts), hostApp('other')], hostFacts);
    expect(planPreflight('api', 'deploy', h).derive).toEqual(['api']);
    expect(planSettings({ target: 'api', values: { 'gateway-aliases': 'db' } }, h).settings).toHaveLength(1);
  });
  test('a host-mode worker scaled above one is said at every write and at the deploy preflight, with the ps:scale fix (workers that listen on nothing scale fine)', () => {
    const h = host([app('api', { scale: { web: 3, worker: 2 } })]);
    const message = /api runs 2 worker containers with host networking: they share the host's ports, so if worker listens on a fixed port only one of them can bind it\. Fix then: dokku ps:scale api worker=1/;
    expect(planSettings({ target: 'api', values: { mode: 'host', processes: 'worker' } }, h).warnings.join('\n')).toMatch(message);
    expect(planSettings({ target: '--global', values: { mode: 'host', processes: 'worker' } }, h).warnings.join('\n')).toMatch(message);
    const preflight = planPreflight('api', 'deploy', host([only('worker', { scale: { web: 3, worker: 2 } })]));
    expect(preflight.warnings.join('\n')).toMatch(message);
    // web=3 is fine: web is not in host mode
    expect(preflight.warnings.join('\n')).not.toMatch(/web containers/);
  });
  test('every process type in host mode (the default): a worker scaled above one is said too, web=2 still refused', () => {
    expect(planPreflight('api', 'deploy', host([hostApp('api', { scale: { web: 1, worker: 2 } })])).warnings.join('\n')).toMatch(/if worker listens on a fixed port only one of them can bind it/);
    expect(refusal(() => planPreflight('api', 'deploy', host([hostApp('api', { scale: { web: 2, worker: 2 } })])))).toMatch(/runs 2 web containers/);
  });
  test('a process type not in host mode may scale', () => {
    expect(planPreflight('api', 'deploy', host([only('worker', { scale: { web: 1, worker: 1, clock: 4 } })])).derive).toEqual(['api']);
  });
  test('with web in the list, web keeps its checks', () => {
    const h = host([only('web,worker', { scale: { web: 2 } })]);
    expect(refusal(() => planPreflight('api', 'deploy', h))).toMatch(/runs 2 web containers.*dokku ps:scale api web=1/);
  });
  test('links, networks and proxies that break every app still concern the host-mode processes', () => {
    const link = only('worker', { options: { _default_: { deploy: ['--link dokku.postgres.main:dokku-postgres-main'] } } });
    expect(refusal(() => planPreflight('api', 'deploy', host([link])))).toMatch(/linked to the postgres service main/);
    const attached = only('worker', { network: { initialNetwork: '', attachPostCreate: 'backend', attachPostDeploy: '' } });
    expect(refusal(() => planPreflight('api', 'deploy', host([attached])))).toMatch(/attaches networks backend/);
    const scoped = only('worker', { options: { _default_: {}, worker: { deploy: ['--network=backend'] } } });
    expect(refusal(() => planPreflight('api', 'deploy', host([scoped])))).toMatch(/process worker.*docker-options:remove --process worker api deploy --network=backend/);
    expect(refusal(() => planPreflight('api', 'deploy', host([only('worker'), app('shop', { proxyType: 'haproxy' })])))).toMatch(/The haproxy proxy/);
  });
  test('adoption: the recipe of a selected process is adopted; that of a process not in host mode (web) stays', () => {
    const withoutDefault = app('api', { options: { _default_: { run: ['--net=host'] }, worker: { deploy: ['--net=host'] }, web: { deploy: ['--net=host'] } } });
    expect(planSettings({ target: 'api', values: { mode: 'host', processes: 'worker' } }, host([withoutDefault])).adoptions.map((a) => a.entry)).toEqual([
      { scope: '_default_', phase: 'run', option: '--net=host' },
      { scope: 'worker', phase: 'deploy', option: '--net=host' },
    ]);
  });
  test('a default deploy --net=host with processes would reach the worker twice: refused with its fix', () => {
    const facts = app('api', { options: { _default_: { deploy: ['--net=host'] } } });
    expect(refusal(() => planSettings({ target: 'api', values: { mode: 'host', processes: 'worker' } }, host([facts])))).toMatch(/sets the network a second time.*dokku docker-options:remove api deploy --net=host/);
  });
  test('no proxy labels for a web that is not in host mode (caddy, traefik), and no exposure warning about its port', () => {
    const caddy = only('worker', { proxyType: 'caddy' });
    expect(planContext(caddy, { mode: 'host', phases: ['deploy'], processes: ['worker'], aliases: [], ip: 'host-gateway', node: 'server' }, host([caddy])).proxyLabels).toEqual([]);
    const traefik = app('api', { proxyType: 'traefik' });
    const plan = planSettings({ target: 'api', values: { mode: 'host', processes: 'worker' } }, host([traefik]));
    expect(plan.labels).toEqual([]);
    expect(plan.warnings.join('\n')).toMatch(/Only worker of api gets host networking at deploys: web keeps Dokku's zero-downtime deploys, its scale and its proxy/);
    expect(plan.warnings.join('\n')).not.toMatch(/port 5000/);
  });
  test('changing the processes changes what the containers get: the app is rebuilt', () => {
    expect(planSettings({ target: 'api', values: { processes: 'worker' } }, host([hostApp('api')])).changed).toEqual(['api']);
    expect(planSettings({ target: 'api', values: { processes: 'worker' } }, host([app('api', { settings: { mode: 'off' } })])).changed).toEqual([]);
  });
  test('k3s: the component names the processes; only their pods count against the nodes', () => {
    const k3s = app('api', { scheduler: 'k3s', settings: { mode: 'host', processes: 'worker' }, scale: { web: 3, worker: 1 } });
    const h = host([k3s], { k3s: { serverNode: 'dokku-server', nodes: 1 } });
    expect(planSettings({ target: 'api', values: { 'k3s-node': 'server' } }, h).k3s).toEqual([{ app: 'api', networking: expect.objectContaining({ mode: 'host', processes: ['worker'] }) }]);
    expect(planPreflight('api', 'deploy', h).derive).toEqual(['api']);
    const scaled = host([{ ...k3s, scale: { web: 1, worker: 2 } }], { k3s: { serverNode: 'dokku-server', nodes: 1 } });
    expect(refusal(() => planPreflight('api', 'deploy', scaled))).toMatch(/runs 2 worker pods pinned to one node/);
  });
});
