import { parseSet } from '../lib/cli';
import { subcommand } from '../lib/entry';
import { commandSet } from '../lib/subcommands';

subcommand('set', (args) => commandSet(parseSet(args)));
