// The root `commands` file: help lines for `dokku help` / `dokku help --all`, and exit 10 for anything else (contract §1.4).
import { readFileSync } from 'node:fs';
import { commandLines, summaryLine, usage } from './lib/help';
import { PLUGIN } from './lib/properties';

const NOT_IMPLEMENTED = Number(process.env.DOKKU_NOT_IMPLEMENTED_EXIT || 10);

/** Dokku tells `help --all` apart only through the parent's command line (its help-functions run `ps -o command= $PPID`). */
function parentHasAll(): boolean {
  try {
    return readFileSync(`/proc/${process.ppid}/cmdline`, 'utf8').split('\0').includes('--all');
  } catch {
    return false;
  }
}

const command = process.argv[2];
if (command === 'help') {
  process.stdout.write(`${(parentHasAll() ? commandLines() : [summaryLine()]).join('\n')}\n`);
} else if (command === `${PLUGIN}:help` || command === PLUGIN) {
  process.stdout.write(usage());
} else {
  process.exitCode = NOT_IMPLEMENTED;
}
