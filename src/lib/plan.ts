// Pure: which Docker arguments each phase gets, per mode, builder and proxy; and the files the sh trigger entry prints
// them from (docs/derived-arguments.md).
import { HOST_GATEWAY, selectsProcess, type Config, type Phase } from './properties';

export interface PhasePlan {
  args: string[];
  /** warning says why a selected phase gets nothing (a builder that cannot take the option). */
  warning?: string;
}

// What each builder forwards to Docker: the Dockerfile builder keeps --network and --add-host from an allow-list
// (plugins/builder-dockerfile/builder-build), pack only --network, nixpacks only --add-host, railpack neither;
// herokuish builds in a container that takes every option (plugins/builder-herokuish/builder-build).
export const BUILDERS = ['dockerfile', 'herokuish', 'pack', 'nixpacks', 'railpack'] as const;
const BUILDER_SUPPORT: Record<string, { host: boolean; gateway: boolean }> = {
  dockerfile: { host: true, gateway: true },
  herokuish: { host: true, gateway: true },
  pack: { host: true, gateway: false },
  nixpacks: { host: false, gateway: true },
  railpack: { host: false, gateway: false },
};

/** buildersWithout lists the known builders whose builds get nothing in this mode (they drop the option). */
export const buildersWithout = (mode: 'host' | 'gateway'): string[] => BUILDERS.filter((builder) => !BUILDER_SUPPORT[builder]![mode]);

export interface PlanContext {
  /** builder is the BUILDER_TYPE of docker-args-process-build (dockerfile when unknown). */
  builder?: string;
  /** bridgeAddress is what host-gateway resolves to, used instead of it in builds (BuildKit cannot always resolve it). */
  bridgeAddress?: string;
  /**
   * proc is the process type of a deploy container (docker-args-process-deploy's fourth argument): only the selected
   * ones get the arguments, and web containers may get proxy labels; undefined for app.json tasks, which follow phases.
   */
  proc?: string;
  /** proxyLabels are the labels a host-mode web container needs for its proxy (caddy: see proxies.ts). */
  proxyLabels?: string[];
}

const HOST_ARGS = ['--network=host'];
const gatewayArgs = (aliases: string[], ip: string): string[] => aliases.map((alias) => `--add-host=${alias}:${ip}`);

/** needsBridgeAddress tells whether the build phase needs the address host-gateway resolves to (a Docker question). */
export const needsBridgeAddress = (config: Config): boolean =>
  config.mode === 'gateway' && config.phases.includes('build') && config.ip === HOST_GATEWAY;

/**
 * planPhase returns the arguments a phase receives: nothing for mode off or a phase that is not selected. A gateway build
 * without a known bridge address throws: passing host-gateway would fail the build on BuildKit hosts.
 */
export function planPhase(config: Config, phase: Phase, context: PlanContext = {}): PhasePlan {
  if (config.mode === 'off' || !config.phases.includes(phase)) return { args: [] };
  if (phase === 'deploy') {
    if (context.proc !== undefined && !selectsProcess(config, context.proc)) return { args: [] };
    const labels = config.mode === 'host' && context.proc === 'web' ? (context.proxyLabels ?? []) : [];
    return { args: [...(config.mode === 'host' ? HOST_ARGS : gatewayArgs(config.aliases, config.ip)), ...labels] };
  }
  if (phase === 'run') return { args: config.mode === 'host' ? HOST_ARGS : gatewayArgs(config.aliases, config.ip) };
  const builder = context.builder ?? 'dockerfile';
  const supported = BUILDER_SUPPORT[builder] ?? { host: false, gateway: false };
  if (!supported[config.mode]) {
    const option = config.mode === 'host' ? 'host networking (--network)' : 'host entries (--add-host)';
    return { args: [], warning: `The ${builder} builder does not support ${option}: build steps will not reach the host` };
  }
  if (config.mode === 'host') return { args: HOST_ARGS };
  if (config.ip !== HOST_GATEWAY) return { args: gatewayArgs(config.aliases, config.ip) };
  if (!context.bridgeAddress) throw new Error('the address of host-gateway is unknown');
  return { args: gatewayArgs(config.aliases, context.bridgeAddress) };
}

/**
 * triggerOutput is what a docker-args-process-* trigger prints: a leading space so the first argument never fuses with the
 * previous plugin's output (plugn concatenates every plugin's stdout). Every argument is built from validated values, so
 * none contains a character that the scheduler's xargs-style splitting could break apart or unquote.
 */
export const triggerOutput = (args: string[]): string => (args.length ? ` ${args.join(' ')}` : '');

/** DerivedFile is one precomputed trigger answer: what goes to stdout, and the warnings for stderr. */
export interface DerivedFile {
  stdout: string;
  warnings: string[];
}

export interface DerivedSet {
  /** files by name: deploy, deploy.web, deploy.<process>, deploy-others, run, build.<builder>. */
  files: Record<string, DerivedFile>;
  /** usesBridge tells whether a build answer holds the bridge address, which a daemon restart can change. */
  usesBridge: boolean;
}

const derived = (plan: PhasePlan): DerivedFile => ({ stdout: triggerOutput(plan.args), warnings: plan.warning ? [plan.warning] : [] });

/** DEPLOY_OTHERS answers the deploy containers of a process type that has no `deploy.<process>` file. */
export const DEPLOY_OTHERS = 'deploy-others';

/** deriveArguments is every answer the docker-args triggers can give for one configuration, from the one planner. */
export function deriveArguments(config: Config, context: Omit<PlanContext, 'builder' | 'proc'>): DerivedSet {
  const files: Record<string, DerivedFile> = {
    deploy: derived(planPhase(config, 'deploy', context)),
    'deploy.web': derived(planPhase(config, 'deploy', { ...context, proc: 'web' })),
    // Every process type without a file of its own: with `processes` those are the ones not selected (no arguments);
    // without, every type but web, which gets what an app.json task gets.
    [DEPLOY_OTHERS]: config.processes.length ? derived({ args: [] }) : derived(planPhase(config, 'deploy', context)),
    run: derived(planPhase(config, 'run', context)),
  };
  for (const proc of config.processes) files[`deploy.${proc}`] = derived(planPhase(config, 'deploy', { ...context, proc }));
  for (const builder of BUILDERS) {
    // Without the bridge address a gateway build has no answer here: the trigger then asks Docker itself at build time.
    if (needsBridgeAddress(config) && !context.bridgeAddress && BUILDER_SUPPORT[builder]!.gateway) continue;
    files[`build.${builder}`] = derived(planPhase(config, 'build', { ...context, builder }));
  }
  return { files, usesBridge: needsBridgeAddress(config) && Boolean(context.bridgeAddress) };
}

/** renderDerivedFile is the file's text: line 1 the stdout answer, then one warning per line. */
export const renderDerivedFile = (file: DerivedFile): string => [file.stdout, ...file.warnings].join('\n') + '\n';
