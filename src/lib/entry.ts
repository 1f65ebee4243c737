// Shared shape of every subcommand: drop `$1` (Dokku passes the full command name first, the dokku script's
// execute_dokku_cmd), honour --app, answer --help.
import { withAppName, usageOf } from './cli';
import { COMMANDS } from './help';
import { main } from './main';

export function subcommand(name: string, run: (args: string[]) => Promise<number> | number): void {
  const args = withAppName(process.argv.slice(3), process.env.DOKKU_APP_NAME);
  if (args.includes('--help') || args.includes('-h')) {
    const help = COMMANDS.find((c) => c.name === name);
    process.stdout.write(`${usageOf(name)}\n\n${help?.description ?? ''}\n`);
    return;
  }
  main(() => run(args));
}
