// `dokku network-host:help`: the same text as `dokku network-host` (Dokku's tests require them identical).
import { usage } from '../lib/help';

process.stdout.write(usage());
