import { commandCheck } from '../lib/check';
import { parseCheck } from '../lib/cli';
import { subcommand } from '../lib/entry';

subcommand('check', (args) => commandCheck(parseCheck(args)));
