// The docker-args-process-* root executables, for an app without settings and for apps configured with the plugin's
// own commands (gateway, enable) in a Dokku stand-in root, each checked once against the arguments it must print.
import { join } from 'node:path';
import { run, SubjectError } from './measure.mjs';

const DOCKER = '/usr/bin/docker';

/**
 * bridgeAddress is the address Docker gives `host-gateway` in builds: the IPv4 address of the default bridge's
 * interface. Read from the interface, not from `docker network inspect bridge`'s Gateway field, which a freshly
 * started engine leaves out.
 */
export function bridgeAddress() {
  const name = run(DOCKER, ['network', 'inspect', 'bridge', '--format', '{{index .Options "com.docker.network.bridge.name"}}']).stdout.trim() || 'docker0';
  const match = /\binet (\d+\.\d+\.\d+\.\d+)\//.exec(run('ip', ['-4', '-o', 'addr', 'show', 'dev', name]).stdout);
  if (!match) throw new Error(`no IPv4 address on the bridge interface ${name}`);
  return match[1];
}

/** PHASES are the three triggers with the arguments Dokku passes them (plugins/scheduler-docker-local, plugins/builder-*). */
export const PHASES = [
  ['deploy', (app) => [app, 'dockerfile', 'latest', 'web', '1']],
  ['run', (app) => [app, 'dockerfile', 'latest']],
  ['build', (app) => [app, 'dockerfile']],
];

/**
 * configuredApps creates a stand-in root in `dir` with three apps, `plain` (no setting, no global setting), `gateway`
 * (network-host:gateway) and `host` (network-host:enable), configured by the plugin's subcommands exactly as a user
 * would (so whatever the plugin stores or precomputes at configuration time exists), and returns the environment the
 * triggers run with plus the expected output of each trigger.
 */
export function configuredApps(repo, dir) {
  const root = join(dir, 'standin');
  const standin = { DOCKER_BIN: DOCKER, DOKKU_STANDIN_ROOT: root, PATH: `${join(repo, 'tests/dokku/bin')}:${process.env.PATH}` };
  run(join(repo, 'tests/dokku/setup'), ['--root', root], standin);
  const env = { DOCKER_BIN: DOCKER, DOKKU_ROOT: join(root, 'home/dokku'), DOKKU_LIB_ROOT: join(root, 'var/lib/dokku') };
  const suffix = Math.random().toString(36).slice(2, 8);
  const apps = { plain: `bench-plain-${suffix}`, gateway: `bench-gateway-${suffix}`, host: `bench-host-${suffix}` };
  for (const app of Object.values(apps)) run('dokku', ['apps:create', app], standin);
  const command = (name) => join(repo, 'subcommands', name);
  run(command('gateway'), ['network-host:gateway', apps.gateway, '--no-rebuild'], { ...standin, ...env });
  run(command('enable'), ['network-host:enable', apps.host, '--no-rebuild'], { ...standin, ...env });
  const gateway = ' --add-host=host.docker.internal:host-gateway';
  const expected = {
    plain: { deploy: '', run: '', build: '' },
    gateway: { deploy: gateway, run: gateway, build: ` --add-host=host.docker.internal:${bridgeAddress()}` },
    host: { deploy: ' --network=host', run: ' --network=host', build: ' --network=host' },
  };
  return { apps, env, expected, teardown: () => run(join(repo, 'tests/dokku/setup'), ['--teardown', root], standin) };
}

/** check runs a trigger once: null when it printed exactly `expected`, else what went wrong. */
export function check(file, args, env, expected) {
  try {
    const { stdout } = run(file, args, env);
    return stdout === expected ? null : `printed ${JSON.stringify(stdout)}, expected ${JSON.stringify(expected)}`;
  } catch (error) {
    if (error instanceof SubjectError) return error.message;
    throw error;
  }
}
