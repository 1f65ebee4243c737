// The docker-args-process-* triggers: the arguments of one phase for one app. Kept free of process and argv libraries,
// because it runs on every build, deploy, `dokku run` and cron job (issue 6: close to `node -e 0`).
import { InvalidStoredValueError } from './errors';
import { warn } from './log';
import { planPhase, triggerOutput, type PlanContext } from './plan';
import { InvalidValue, resolveConfig, type Config, type Phase, type Settings } from './properties';
import { GLOBAL, readSettings } from './store';

/** resolveFor resolves an app's settings; a stored value that does not parse fails with the app, key and fix. */
export function resolveFor(app: string, settings: Settings, global: Settings): Config {
  try {
    return resolveConfig(settings, global);
  } catch (error) {
    if (error instanceof InvalidValue) throw new InvalidStoredValueError(error.source === 'app' ? app : GLOBAL, error.key, error.message);
    throw error;
  }
}

/** loadConfig resolves an app's stored configuration. */
export const loadConfig = (app: string): Config => resolveFor(app, readSettings(app), readSettings(GLOBAL));

/** dockerArgsOutput is what the trigger prints for a phase; with apply=docker-options the arguments live in docker-options instead. */
export function dockerArgsOutput(config: Config, phase: Phase, context: PlanContext = {}): string {
  if (config.apply !== 'triggers') return '';
  const plan = planPhase(config, phase, context);
  if (plan.warning) warn(plan.warning);
  return triggerOutput(plan.args);
}
