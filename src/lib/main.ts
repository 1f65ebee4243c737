import { PluginError } from './errors';
import { warn } from './log';

/**
 * main runs an entrypoint and is the one place that turns errors into Dokku-style output and an exit code.
 * Unexpected errors are printed the same way (never a stack trace on a user's terminal, unless DOKKU_TRACE is set).
 */
export function main(run: () => Promise<number | void> | number | void): void {
  Promise.resolve()
    .then(run)
    .then(
      (code) => {
        process.exitCode = typeof code === 'number' ? code : 0;
      },
      (error: unknown) => {
        if (process.env.DOKKU_TRACE && error instanceof Error && !(error instanceof PluginError)) {
          process.stderr.write(`${error.stack}\n`);
        }
        warn(error instanceof Error ? error.message : String(error));
        process.exitCode = error instanceof PluginError ? error.exitCode : 1;
      },
    );
}

/** requireArg returns a positional argument or fails with its name (Dokku always passes them; a person may not). */
export function requireArg(args: string[], index: number, name: string): string {
  const value = args[index];
  if (value === undefined || value === '') throw new PluginError(`Missing argument ${name}`);
  return value;
}
