import { parseGateway } from '../lib/cli';
import { subcommand } from '../lib/entry';
import { commandMode } from '../lib/subcommands';

subcommand('gateway', (args) => commandMode('gateway', parseGateway(args)));
