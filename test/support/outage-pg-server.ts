/**
 * Runs one embedded PostgreSQL in its own Node process for test/outage.e2e-spec.ts, so that killing the process
 * (kill -9) leaves the test process alone. Started by test/support/outage-postgres.ts with
 * ts-node; arguments: data directory and port. Reports `{ ready: url }` or `{ error }` over IPC, stops on 'stop'
 * or when the test process goes away.
 */
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';

const [dir, port] = process.argv.slice(2);
const send = (message: unknown) => process.send?.(message);

startEmbeddedPostgres({ dir, port: Number(port), persistent: true }).then(
  (server) => {
    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= server.stop().finally(() => process.exit(0));
      return stopping;
    };
    process.on('message', (m) => {
      if (m === 'stop') void stop();
    });
    process.on('disconnect', () => void stop());
    send({ ready: server.url });
  },
  (err: unknown) => {
    send({ error: err instanceof Error ? err.message : err === undefined ? 'postgres exited during start-up' : JSON.stringify(err) });
    process.exit(1);
  },
);
