// Trigger docker-args-process-build APP BUILDER_TYPE (contract §3.3): the build phase's arguments for that builder.
import { buildArgsOutput } from '../lib/build-args';
import { main, requireArg } from '../lib/main';

main(async () => {
  process.stdout.write(await buildArgsOutput(requireArg(process.argv, 2, 'APP'), process.argv[3]));
});
