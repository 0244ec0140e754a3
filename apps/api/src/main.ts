import { ConfigError, loadConfig, requireApiTokens } from '@switchyard/config';
import { createRootLogger } from '@switchyard/logging';
import { createApi } from './api';
import { RedisUnavailableError } from './redis';

/** How long shutdown may take before the process exits anyway, in ms. */
const SHUTDOWN_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
    requireApiTokens(config);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }

  const logger = createRootLogger({ level: config.logLevel });
  let app;
  try {
    app = await createApi(config, { logger });
  } catch (err) {
    if (err instanceof RedisUnavailableError) {
      logger.fatal(err.message);
      process.exit(1);
    }
    throw err;
  }

  await app.listen(config.http.port, config.http.host);
  logger.info(
    { host: config.http.host, port: config.http.port },
    `API listening on http://${config.http.host}:${config.http.port} (docs at /docs)`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error(`shutdown took longer than ${SHUTDOWN_DEADLINE_MS} ms; exiting`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    app
      .close()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
