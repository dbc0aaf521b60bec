/** The bot process: config, logger, the app; signals and a bounded, clean shutdown. */
import { createApp } from './app.js';
import { runEntry } from './cli.js';
import { StartupError } from './errors.js';
import { loadConfig } from './config.js';
import { createLogger, SecretSet } from './logger.js';

const SHUTDOWN_BUDGET_MS = 9000;

runEntry('bot', async () => {
  const config = loadConfig();
  const secrets = new SecretSet();
  secrets.pin(config.discordToken);
  secrets.pin(config.metricsToken);
  // A store URL's password is kept out of every line by redaction; the scrubber is a second guard.
  if (URL.canParse(config.databaseUrl)) secrets.pin(decodeURIComponent(new URL(config.databaseUrl).password) || undefined);
  const log = createLogger({ level: config.logLevel, format: config.logFormat, secrets });
  let stopping = false;
  const fatal = (reason: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`bot: ${secrets.scrub(reason)}\n`);
    void app.stop(0).finally(() => process.exit(1));
  };
  const app = await createApp(config, log, secrets, { onFatal: fatal });
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));

  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error('shutdown took too long; exiting anyway');
      process.exit(1);
    }, SHUTDOWN_BUDGET_MS).unref();
    // Interactions in hand get their answer first, within the budget.
    await app.stop(Math.min(config.sdApiTimeoutMs + 1000, SHUTDOWN_BUDGET_MS - 3000));
    log.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', (s) => void shutdown(s));
  process.once('SIGINT', (s) => void shutdown(s));

  try {
    await app.start();
  } catch (error) {
    await app.store.close().catch(() => undefined);
    const { code, status } = error as { code?: unknown; status?: unknown };
    if (error instanceof StartupError) throw error;
    if (code === 'TokenInvalid' || status === 401) {
      throw new StartupError('DISCORD_TOKEN was refused by Discord: copy a fresh token from the Developer Portal (Bot > Reset Token) into .env');
    }
    throw new StartupError(`could not connect to Discord at DISCORD_API_URL=${config.discordApiUrl}: ${secrets.scrub((error as Error).message)}`);
  }
});
