// apply=docker-options (issue 4): the plugin writes its arguments into Dokku's docker-options store instead of printing
// them from the docker-args triggers, and keeps them in step. It remembers what it added, so it only ever removes its
// own entries, never one the user typed.
import { bridgeGateway } from './docker';
import { dokku } from './exec';
import { PluginError } from './errors';
import { dockerOptions } from './facts';
import { verbose } from './log';
import { entryKey, needsBridgeGateway, planPhase, planSync, type Entry } from './plan';
import { PHASES, resolveConfig, type Phase, type Settings } from './properties';
import { GLOBAL, readInternal, readSettings, writeSetting } from './store';

const parseApplied = (text: string | undefined): Entry[] =>
  (text ?? '')
    .split('\n')
    .filter(Boolean)
    .map((line) => ({ phase: line.slice(0, line.indexOf(' ')) as Phase, option: line.slice(line.indexOf(' ') + 1) }));

/** desiredEntries are the arguments of every phase when the app's computed apply is docker-options, else none. */
export async function desiredEntries(settings: Settings, global: Settings): Promise<Entry[]> {
  const config = resolveConfig(settings, global);
  if (config.apply !== 'docker-options') return [];
  const gateway = needsBridgeGateway(config) ? await bridgeGateway() : undefined;
  return PHASES.flatMap((phase) => planPhase(config, phase, { builder: 'dockerfile', bridgeGateway: gateway }).args.map((option) => ({ phase, option })));
}

async function call(args: string[]): Promise<void> {
  const result = await dokku(args);
  if (result.exitCode !== 0) throw new PluginError(`dokku ${args.slice(0, 3).join(' ')} failed: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
}

/** syncDockerOptions brings one app's docker-options in step with its settings; returns whether anything changed. */
export async function syncDockerOptions(app: string, global: Settings = readSettings(GLOBAL)): Promise<boolean> {
  const applied = parseApplied(readInternal(app, 'applied-docker-options'));
  const desired = await desiredEntries(readSettings(app), global);
  if (applied.length === 0 && desired.length === 0) return false;
  const plan = planSync(desired, applied, dockerOptions(app));
  for (const e of plan.remove) {
    await call(['docker-options:remove', app, e.phase, e.option]);
    verbose(`Removed the plugin's ${e.phase} docker-option ${e.option}`);
  }
  for (const e of plan.add) {
    await call(['docker-options:add', app, e.phase, e.option]);
    verbose(`Added ${e.option} to the ${e.phase} docker-options`);
  }
  writeSetting(app, 'applied-docker-options', [...plan.keep, ...plan.add].map(entryKey).join('\n'));
  return plan.add.length > 0 || plan.remove.length > 0;
}
