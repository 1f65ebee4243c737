// The one place errors become Dokku-style output and an exit code (the role of common.LogFailWithError).
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
