// Effects: the one module that starts processes. Docker is always $DOCKER_BIN, Dokku always the `dokku` command, other
// plugins' hooks always `plugn trigger` (as Dokku's own plugins call each other).
// execa 5: the last line that supports Node 12 (execa 6 and later need Node >= 12.20 with ESM, 9 needs 18.19).
import execa from 'execa';
import { PluginError } from './errors';

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface RunOptions {
  /** stream passes the child's output straight through (a rebuild's log), instead of capturing it. */
  stream?: boolean;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** run starts a program and returns its output and exit code; a program that cannot be started throws a PluginError. */
export async function run(file: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await execa(file, args, {
    reject: false,
    stdin: options.stream ? 'inherit' : 'ignore',
    stdout: options.stream ? 'inherit' : 'pipe',
    stderr: options.stream ? 'inherit' : 'pipe',
    env: options.env ?? process.env,
    extendEnv: false,
    ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
  });
  if ((result as { code?: string }).code === 'ENOENT') throw new PluginError(`Unable to run ${file}: command not found`);
  if (result.timedOut) throw new PluginError(`${file} ${args[0] ?? ''} did not answer within ${options.timeoutMs} ms`);
  return {
    stdout: typeof result.stdout === 'string' ? result.stdout : '',
    stderr: typeof result.stderr === 'string' ? result.stderr : '',
    exitCode: result.exitCode ?? 1,
  };
}

export const dockerBin = (): string => process.env.DOCKER_BIN || 'docker';

/** docker runs the Docker CLI; a missing binary says which variable to set. */
export async function docker(args: string[], options: RunOptions = {}): Promise<RunResult> {
  try {
    return await run(dockerBin(), args, { timeoutMs: 30_000, ...options });
  } catch (error) {
    throw new PluginError(`Docker is not available (${(error as Error).message}); install Docker or set DOCKER_BIN`);
  }
}

/**
 * dokku calls another Dokku command. DOKKU_APP_NAME is dropped: Dokku re-inserts it after the command name for core
 * plugins (the dokku script, execute_dokku_cmd), which would turn `ps:rebuild APP` into `ps:rebuild APP APP` under --app.
 */
export function dokku(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const env = { ...process.env };
  delete env.DOKKU_APP_NAME;
  return run('dokku', args, { ...options, env });
}

/** dokkuOrFail runs a Dokku command whose failure is the plugin's failure. */
export async function dokkuOrFail(args: string[]): Promise<RunResult> {
  const result = await dokku(args);
  if (result.exitCode !== 0) throw new PluginError(`dokku ${args.slice(0, 2).join(' ')} failed: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
  return result;
}

/** plugnTrigger runs a Dokku trigger across all enabled plugins, with empty stdin as Dokku's callers do. */
export const plugnTrigger = (name: string, args: string[]): Promise<RunResult> => run('plugn', ['trigger', name, ...args]);
