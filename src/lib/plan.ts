// Pure: which Docker arguments each phase gets, per mode and builder (PRODUCT.md §5).
import { HOST_GATEWAY, type Config, type Phase } from './properties';
import { shellWords } from './safety';

export interface PhasePlan {
  args: string[];
  /** warning says why a selected phase gets nothing (a builder that cannot take the option). */
  warning?: string;
}

// What each builder forwards to Docker (contract §3.3): pack has no --add-host, nixpacks no --network, railpack neither.
const BUILDER_SUPPORT: Record<string, { host: boolean; gateway: boolean }> = {
  dockerfile: { host: true, gateway: true },
  herokuish: { host: true, gateway: true },
  pack: { host: true, gateway: false },
  nixpacks: { host: false, gateway: true },
  railpack: { host: false, gateway: false },
};

/** buildersWithout lists the known builders whose builds get nothing in this mode (they drop the option). */
export const buildersWithout = (mode: 'host' | 'gateway'): string[] =>
  Object.keys(BUILDER_SUPPORT).filter((builder) => !BUILDER_SUPPORT[builder]![mode]);

export interface PlanContext {
  /** builder is the BUILDER_TYPE of docker-args-process-build; unknown or missing means "dockerfile" for reports. */
  builder?: string;
  /** bridgeGateway is the default bridge's gateway address, used instead of host-gateway in builds (BuildKit can't resolve it). */
  bridgeGateway?: string;
}

export const hostArgs = (): string[] => ['--network=host'];
export const gatewayArgs = (aliases: string[], ip: string): string[] => aliases.map((alias) => `--add-host=${alias}:${ip}`);

/** planPhase returns the arguments a phase receives; nothing for mode off or a phase that is not selected. */
export function planPhase(config: Config, phase: Phase, context: PlanContext = {}): PhasePlan {
  if (config.mode === 'off' || !config.phases.includes(phase)) return { args: [] };
  if (phase !== 'build') {
    return { args: config.mode === 'host' ? hostArgs() : gatewayArgs(config.aliases, config.ip) };
  }
  const builder = context.builder ?? 'dockerfile';
  const supported = BUILDER_SUPPORT[builder] ?? { host: false, gateway: false };
  if (!supported[config.mode]) {
    const option = config.mode === 'host' ? 'host networking (--network)' : 'host entries (--add-host)';
    return { args: [], warning: `The ${builder} builder does not support ${option}: build steps will not reach the host` };
  }
  if (config.mode === 'host') return { args: hostArgs() };
  const ip = config.ip !== HOST_GATEWAY ? config.ip : (context.bridgeGateway ?? HOST_GATEWAY);
  return { args: gatewayArgs(config.aliases, ip) };
}

/** needsBridgeGateway tells whether planning the build phase needs the bridge gateway address (a Docker call). */
export const needsBridgeGateway = (config: Config): boolean =>
  config.mode === 'gateway' && config.phases.includes('build') && config.ip === HOST_GATEWAY;

/**
 * triggerOutput is what a docker-args-process-* trigger prints: a leading space so the first argument never fuses with the
 * previous plugin's output (contract §3.3). Every argument is built from validated values, so none contains a
 * character that xargs-style splitting could break apart or unquote.
 */
export const triggerOutput = (args: string[]): string => (args.length ? ` ${args.join(' ')}` : '');

// apply=docker-options: the entries the plugin owns in Dokku's docker-options store.
export interface Entry {
  phase: Phase;
  option: string;
}

export const entryKey = (e: Entry): string => `${e.phase} ${e.option}`;
const sameWords = (a: string, b: string): boolean => JSON.stringify(shellWords(a)) === JSON.stringify(shellWords(b));

/** planSync is pure: what to add and what to remove so the store holds exactly the desired entries of the plugin. */
export function planSync(desired: Entry[], applied: Entry[], stored: Partial<Record<Phase, string[]>>): { add: Entry[]; remove: Entry[]; keep: Entry[] } {
  const wanted = new Set(desired.map(entryKey));
  const had = new Set(applied.map(entryKey));
  const remove = applied.filter((e) => !wanted.has(entryKey(e)));
  const keep = applied.filter((e) => wanted.has(entryKey(e)) && (stored[e.phase] ?? []).some((o) => sameWords(o, e.option)));
  const kept = new Set(keep.map(entryKey));
  // An entry someone else already stored is left alone and not claimed, so it is neither doubled nor later removed.
  const add = desired.filter((e) => !kept.has(entryKey(e)) && (had.has(entryKey(e)) || !(stored[e.phase] ?? []).some((o) => sameWords(o, e.option))));
  return { add, remove, keep };
}

