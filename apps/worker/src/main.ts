import { ConfigError, loadConfig } from '@switchyard/config';
import { CredentialStore } from '@switchyard/inventory';
import { createRootLogger } from '@switchyard/logging';
import { startWorker } from './worker';

/** `npm run start:worker`: the worker process. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createRootLogger({ level: config.logLevel });

  if (!config.credentialsFile) {
    throw new ConfigError(
      'invalid configuration:\n  SWITCHYARD_CREDENTIALS: set it to the JSON or YAML file mapping each credentialRef to { username, password }',
    );
  }
  const credentials = CredentialStore.fromFile(config.credentialsFile);
  const worker = await startWorker(config, { logger, credentials });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: no new jobs; running ones may finish');
    worker.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'stopping failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`switchyard worker: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
