// Effects: what Dokku's other plugins know about an app that matters for host networking: docker-options, network
// settings, scale and web port.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PluginError } from './errors';
import { dokku, plugnTrigger } from './exec';
import { PHASES } from './properties';
import { libRoot } from './store';
import type { NetworkSettings, PhaseOptions } from './safety';

async function jsonReport(command: string, app: string): Promise<Record<string, unknown>> {
  const result = await dokku([command, app, '--format', 'json']);
  if (result.exitCode !== 0) throw new PluginError(`Unable to read ${command} for ${app}: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
  try {
    return JSON.parse(result.stdout) as Record<string, unknown>;
  } catch {
    throw new PluginError(`Unable to read ${command} for ${app}: unexpected output`);
  }
}

/**
 * dockerOptions are the app's default-scope docker-options per phase, read from docker-options' property store
 * (config/docker-options/<app>/_default_.<phase>, one entry per line, contract §3.2). Reading the files keeps
 * `:report` over hundreds of apps free of a Dokku call per app; changes always go through `dokku docker-options:*`.
 */
export function dockerOptions(app: string): PhaseOptions {
  const options: PhaseOptions = {};
  for (const phase of PHASES) {
    let text = '';
    try {
      text = readFileSync(join(libRoot(), 'config', 'docker-options', app, `_default_.${phase}`), 'utf8');
    } catch {
      // no entry for this phase
    }
    options[phase] = text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
  }
  return options;
}

/** networkSettings are the computed network:set values that cannot be combined with host networking. */
export async function networkSettings(app: string): Promise<NetworkSettings> {
  const report = await jsonReport('network:report', app);
  const value = (key: string): string => String(report[`computed-${key}`] ?? '');
  return { initialNetwork: value('initial-network'), attachPostCreate: value('attach-post-create'), attachPostDeploy: value('attach-post-deploy') };
}

/** webScale reads the web count from ps-current-scale (`web=1` lines); an app without a scale has one web process. */
export async function webScale(app: string): Promise<number> {
  const result = await plugnTrigger('ps-current-scale', [app]);
  const line = result.stdout.split('\n').find((l) => l.startsWith('web='));
  return line ? Number(line.slice(4)) || 0 : 1;
}

/** webPort is the container port the web process binds: the first non-udp port map from ports-get, else Dokku's 5000. */
export async function webPort(app: string): Promise<number> {
  const result = await plugnTrigger('ports-get', [app]);
  for (const map of result.stdout.split(/\s+/)) {
    const [scheme, , container] = map.split(':');
    if (scheme && scheme !== 'udp' && container && /^\d+$/.test(container)) return Number(container);
  }
  return 5000;
}

/** dockerOptionsRemove removes exactly one stored entry (docker-options:remove matches by shell words). */
export async function dockerOptionsRemove(app: string, phase: string, option: string): Promise<void> {
  const result = await dokku(['docker-options:remove', app, phase, option]);
  if (result.exitCode !== 0) throw new PluginError(`Unable to remove docker-option ${option} (${phase}) of ${app}: ${result.stderr.trim()}`);
}

async function reportValue(command: string, app: string, flag: string): Promise<string> {
  const result = await dokku([command, app, flag]);
  return result.exitCode === 0 ? result.stdout.trim() : '';
}

/** selectedBuilder is the builder set with builder:set (empty when Dokku detects it at build time). */
export const selectedBuilder = (app: string): Promise<string> => reportValue('builder:report', app, '--builder-computed-selected');

/** selectedScheduler is the app's scheduler (docker-local unless set otherwise). */
export const selectedScheduler = (app: string): Promise<string> => reportValue('scheduler:report', app, '--scheduler-computed-selected');
