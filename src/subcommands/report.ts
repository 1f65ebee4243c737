import { subcommand } from '../lib/entry';
import { commandReport } from '../lib/subcommands';

subcommand('report', (args) => commandReport(args));
