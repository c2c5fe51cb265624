import './tracing';
import { createLogger, shutdownTracing } from '@wsb/kernel';
import { readGatewayConfig } from './config';
import { createGateway } from './server';

async function main() {
  const gateway = await createGateway(readGatewayConfig());
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      // Spans still buffered are exported before the process ends.
      gateway
        .close()
        .then(() => shutdownTracing())
        .then(
          () => process.exit(0),
          () => process.exit(1),
        );
    });
  }
}

main().catch((err) => {
  createLogger({ service: 'gateway' }).error('failed to start', { err });
  process.exit(1);
});
