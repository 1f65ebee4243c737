import { parseEnable } from '../lib/cli';
import { subcommand } from '../lib/entry';
import { commandMode } from '../lib/subcommands';

subcommand('enable', (args) => commandMode('host', parseEnable(args)));
