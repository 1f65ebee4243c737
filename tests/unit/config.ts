import type { Config } from '../../src/lib/properties';

/** config builds a resolved configuration: the defaults, in the given mode, with overrides. */
export const config = (mode: Config['mode'], overrides: Partial<Config> = {}): Config => ({
  mode,
  phases: ['build', 'deploy', 'run'],
  aliases: ['host.docker.internal'],
  ip: 'host-gateway',
  apply: 'triggers',
  ...overrides,
});
