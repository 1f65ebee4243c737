// The subcommands bundle: subcommands/<name> are links to it, and the name it was called by picks the command (as
// Dokku's Go plugins dispatch one binary on its name, common.mk).
import { basename } from 'path';
import { commandCheck } from './lib/check';
import { parseCheck, parseDisable, parseEnable, parseGateway, parseSet } from './lib/cli';
import { commandMode, commandReport, commandSet } from './lib/commands';
import { subcommand } from './lib/entry';

const SUBCOMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  check: (args) => commandCheck(parseCheck(args)),
  disable: (args) => commandMode('off', parseDisable(args)),
  enable: (args) => commandMode('host', parseEnable(args)),
  gateway: (args) => commandMode('gateway', parseGateway(args)),
  report: (args) => commandReport(args),
  set: (args) => commandSet(parseSet(args)),
};

const name = basename(process.argv[1] ?? '');
const run = SUBCOMMANDS[name];
if (run) subcommand(name, run);
else {
  process.stderr.write(` !     Invalid network-host subcommand call: ${name}\n`);
  process.exitCode = 1;
}
