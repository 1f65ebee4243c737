import { parseDisable } from '../lib/cli';
import { subcommand } from '../lib/entry';
import { commandMode } from '../lib/subcommands';

subcommand('disable', (args) => commandMode('off', parseDisable(args)));
