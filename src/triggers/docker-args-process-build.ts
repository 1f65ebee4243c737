// Trigger docker-args-process-build APP BUILDER_TYPE (contract §3.3): the build phase's arguments for that builder.
import { dockerArgsOutput, loadConfig } from '../lib/docker-args';
import { bridgeGateway } from '../lib/docker';
import { main, requireArg } from '../lib/main';
import { needsBridgeGateway } from '../lib/plan';

main(async () => {
  const config = loadConfig(requireArg(process.argv, 2, 'APP'));
  const builder = process.argv[3];
  // BuildKit cannot always resolve host-gateway, so builds get the bridge's address (PRODUCT.md §5).
  const gateway = config.apply === 'triggers' && needsBridgeGateway(config) ? await bridgeGateway() : undefined;
  process.stdout.write(dockerArgsOutput(config, 'build', { builder, bridgeGateway: gateway }));
});
