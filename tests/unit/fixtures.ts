// Builders for the pure modules' tables: a resolved configuration, one app's facts, the host's facts.
import type { AppFacts, HostFacts } from '../../src/lib/model';
import type { Config } from '../../src/lib/properties';

/** config builds a resolved configuration: the defaults, in the given mode, with overrides. */
export const config = (mode: Config['mode'], overrides: Partial<Config> = {}): Config => ({
  mode,
  phases: ['build', 'deploy', 'run'],
  processes: [],
  aliases: ['host.docker.internal'],
  ip: 'host-gateway',
  node: 'server',
  ...overrides,
});

/** app builds one app's facts: deployed on port 5000 behind nginx, with a domain, nothing else set. */
export const app = (name: string, overrides: Partial<AppFacts> = {}): AppFacts => ({
  app: name,
  settings: {},
  options: { _default_: {} },
  network: { initialNetwork: '', attachPostCreate: '', attachPostDeploy: '' },
  scale: { web: 1 },
  ports: [{ scheme: 'http', host: 80, container: 5000 }],
  vhost: { enabled: true, domains: [`${name}.example.com`], letsencrypt: false },
  scheduler: 'docker-local',
  builder: 'dockerfile',
  proxyType: 'nginx',
  proxyEnabled: true,
  checksDisabled: false,
  traefikLabels: {},
  ownLabels: {},
  derived: false,
  ...overrides,
});

/** host builds the host's facts around the given apps. */
export const host = (apps: AppFacts[], overrides: Partial<HostFacts> = {}): HostFacts => ({
  global: {},
  apps: new Map(apps.map((a) => [a.app, a])),
  listeners: [],
  dokkuInDocker: false,
  bridge: { address: '172.17.0.1', source: 'the address of the docker0 interface' },
  ...overrides,
});
