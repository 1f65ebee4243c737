// Trigger docker-args-process-deploy APP IMAGE_SOURCE_TYPE IMAGE_TAG ... (contract §3.3): the deploy phase's arguments.
import { dockerArgsOutput, loadConfig } from '../lib/docker-args';
import { main, requireArg } from '../lib/main';

main(() => {
  process.stdout.write(dockerArgsOutput(loadConfig(requireArg(process.argv, 2, 'APP')), 'deploy'));
});
