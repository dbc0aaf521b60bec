/**
 * The bot as a process, in parts: its secrets, its logger and the app (createBot, which the test
 * rig uses too), the translation of a failed start into one line naming the cause (startBot), and
 * signals with a bounded, clean shutdown (runBot, all of it: what `npm start` runs).
 */
import type { DestinationStream } from 'pino';
import { type App, createApp } from './app.js';
import { StartupError, TOKEN_REFUSED } from './errors.js';
import { type Config, loadConfig } from './config.js';
import { type Logger, SecretSet, createLogger } from './logger.js';
import { urlSecrets } from './store/index.js';

const SHUTDOWN_BUDGET_MS = 9000;

export interface Bot {
  config: Config;
  secrets: SecretSet;
  log: Logger;
  app: App;
}

export interface BotOptions {
  /** The edge failed for good (e.g. the gateway refused the token). */
  onFatal(reason: string): void;
  /** Where log lines go instead of standard output (tests). */
  destination?: DestinationStream;
}

/** Every secret the configuration holds, kept out of every log line and reply. */
export function configSecrets(config: Config): SecretSet {
  const secrets = new SecretSet();
  secrets.pin(config.discordToken);
  secrets.pin(config.metricsToken);
  // A store URL's credentials are kept out of every line by redaction; the scrubber is a second guard.
  for (const secret of urlSecrets(config.databaseUrl)) secrets.pin(secret);
  return secrets;
}

/** Secrets, logger and app, composed from a configuration; nothing started yet. */
export async function createBot(config: Config, options: BotOptions): Promise<Bot> {
  const secrets = configSecrets(config);
  const log = createLogger({
    level: config.logLevel,
    format: options.destination ? 'json' : config.logFormat,
    secrets,
    ...(options.destination ? { destination: options.destination } : {}),
  });
  const app = await createApp(config, log, secrets, { onFatal: options.onFatal });
  return { config, secrets, log, app };
}

/** Starts the app; a failure closes the store and becomes a StartupError naming the cause and the fix. */
export async function startBot({ app, config, secrets }: Bot): Promise<void> {
  try {
    await app.start();
  } catch (error) {
    await app.store.close().catch(() => undefined);
    const { code, status } = error as { code?: unknown; status?: unknown };
    if (error instanceof StartupError) throw error;
    if (code === 'TokenInvalid' || status === 401) {
      throw new StartupError(TOKEN_REFUSED);
    }
    throw new StartupError(
      `could not connect to Discord at DISCORD_API_URL=${config.discordApiUrl}: ${secrets.scrub((error as Error).message)}`,
    );
  }
}

/** The whole process: configuration from the environment, the bot, signals, start. */
export async function runBot(): Promise<void> {
  const config = loadConfig();
  let stopping = false;
  let bot: Bot | undefined;
  const fatal = (reason: string) => {
    if (stopping || !bot) return;
    stopping = true;
    process.stderr.write(`bot: ${bot.secrets.scrub(reason)}\n`);
    void bot.app.stop(0).finally(() => process.exit(1));
  };
  bot = await createBot(config, { onFatal: fatal });
  const { app, log } = bot;
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

  await startBot(bot);
}
