/**
 * The bot, composed: store -> commands -> key check -> core services -> the pipeline -> the edge
 * (the gateway, or Discord's HTTP interactions endpoint) and the HTTP server beside it.
 * src/bin/start.ts runs it as a process; tests run the same thing in-process.
 */
import type { Config } from './config.js';
import { ClearService } from './core/clearing.js';
import { KeyService } from './core/keys.js';
import { GuildRecords } from './core/guilds.js';
import { type SdApi, createSdApi } from './core/sdapi.js';
import { createSealer } from './core/seal.js';
import { createRest, discordApi, discordPort } from './discord/rest.js';
import { type Edge, createEdge } from './edge.js';
import { listenErrorMessage } from './http/listen-error.js';
import { type HttpServer, createHttpServer } from './http/server.js';
import { loadCommands } from './interactions/command.js';
import { type Pipeline, createPipeline, within } from './interactions/pipeline.js';
import { assertKeyOpensStore, keyAnchor, resolveStartKey } from './keyfile.js';
import type { Logger, SecretSet } from './logger.js';
import type { Metrics } from './metrics.js';
import { type Store, openStore } from './store/index.js';
import { StartupError } from './errors.js';

export interface App {
  store: Store;
  guilds: GuildRecords;
  pipeline: Pipeline;
  /** Where interactions arrive: the gateway, or the HTTP endpoint (INTERACTIONS_MODE). */
  edge: Edge;
  /** The HTTP server (http mode, or gateway mode with HTTP_PORT set). */
  http: HttpServer | undefined;
  /** The port the HTTP server listens on, once started. */
  httpPort: number | undefined;
  /** What the ready line said, once started. */
  ready: Record<string, unknown> | undefined;
  /** Connects the edge; resolves when the bot is accepting interactions. */
  start(): Promise<void>;
  /** Stops taking work, lets interactions in hand finish (up to drainMs), then closes everything. */
  stop(drainMs: number): Promise<void>;
}

export interface AppHooks {
  /** The edge failed for good (e.g. the gateway refused the token): the process should end. */
  onFatal(reason: string): void;
}

/** The invite link: the bot only answers interactions, which needs no channel permission. */
export function inviteUrl(applicationId: string): string {
  return `https://discord.com/oauth2/authorize?client_id=${applicationId}&scope=bot+applications.commands&permissions=0&integration_type=0`;
}

export async function createApp(config: Config, log: Logger, secrets: SecretSet, hooks: AppHooks): Promise<App> {
  const opened = await openStore(config.databaseUrl, { deadlineMs: config.storeTimeoutMs });
  const commands = await loadCommands();
  // Metrics are served by the HTTP server: without one, prom-client is not even loaded.
  const metricsModule = config.httpPort === undefined ? undefined : await import('./metrics.js');
  const metrics: Metrics | undefined = metricsModule?.createMetrics(commands.keys());
  // Everything the bot does through the store is timed and its failures counted.
  const store = metrics ? metrics.instrumentStore(opened) : opened;
  try {
    const sealing = await resolveStartKey(config.encryptionKey, store, keyAnchor(store), store.where);
    if (sealing.created)
      log.info(
        { file: sealing.file },
        'generated ENCRYPTION_KEY into this file (mode 0600): back it up, the stored API keys cannot be opened without it',
      );
    const sealer = createSealer(sealing.key);
    const census = await assertKeyOpensStore(store, sealer, keyAnchor(store), {
      where: store.where,
      keyFile: sealing.file,
    });
    for (const { guildId, reason } of census.damaged) {
      log.error(
        { guildId, reason },
        "a server's record is damaged: that server gets an error until it is repaired; the others work",
      );
    }
    if (census.unopened.length > 0) {
      log.warn(
        { count: census.unopened.length, servers: census.unopened.slice(0, 20) },
        'these servers have a stored API key that ENCRYPTION_KEY cannot open: their admins must set it again with /apikey set',
      );
    }
    if (census.leftoverPendingFile) {
      log.warn(
        { file: census.leftoverPendingFile },
        'a finished key rotation left a copy of the current key in this file: delete it once ENCRYPTION_KEY or the key file holds that key',
      );
    }

    const guilds = new GuildRecords(store, sealer, (secret) => secrets.add(secret));
    const sdApi = createSdApi({ baseUrl: config.sdApiBaseUrl, timeoutMs: config.sdApiTimeoutMs });
    const api: SdApi = {
      ...sdApi,
      async clearCache(key, signal) {
        const result = await sdApi.clearCache(key, signal);
        metrics?.apiCall(result);
        return result;
      },
    };
    const clears = new ClearService({
      api,
      guilds,
      cooldownS: config.clearCacheCooldownS,
      apiTimeoutMs: config.sdApiTimeoutMs,
      storeDeadlineMs: store.deadlineMs,
      onRecordError: (err, guildId) => log.error({ err, guildId }, 'could not record a clear'),
    });
    // The same API client as clears: a key check respects the retry-after a clear recorded.
    const keys = new KeyService({ api, guilds });
    const discord = discordApi(createRest(config));
    const pipeline = createPipeline(commands, {
      guilds,
      clears,
      keys,
      discord: discordPort(discord),
      log,
      ...(metrics ? { observe: (m) => metrics.interaction(m) } : {}),
    });
    const edge = await createEdge({
      config,
      pipeline,
      api: discord,
      store,
      log,
      metrics,
      keepSecret: (value) => void secrets.add(value),
      onFatal: hooks.onFatal,
    });
    let accepting = false;
    const http =
      config.httpPort === undefined
        ? undefined
        : createHttpServer({
            host: config.httpHost,
            port: config.httpPort,
            log,
            ready: async () =>
              accepting &&
              (await within(
                store.ping().then(() => true),
                1000,
              )) === true,
            ...(metrics
              ? {
                  events: {
                    shed: (reason) => metrics.httpLimit('shed', reason),
                    refused: (reason) => metrics.httpLimit('refused', reason),
                  },
                }
              : {}),
            routes: {
              ...(metricsModule && metrics
                ? { 'GET /metrics': metricsModule.metricsHandler(metrics.registry, config.metricsToken) }
                : {}),
              ...edge.routes,
            },
          });
    if (http && metrics) metrics.watchHttp(() => http.stats());

    const app: App = {
      store,
      guilds,
      pipeline,
      edge,
      http,
      httpPort: undefined,
      ready: undefined,
      async start() {
        // Listening first: /readyz answers 503 until the bot takes work.
        if (http) {
          app.httpPort = await http.listen().catch((error: unknown) => {
            throw new StartupError(listenErrorMessage(config.httpHost, config.httpPort!, error));
          });
        }
        const { applicationId, fields } = await edge.start();
        accepting = true;
        log.info({ url: inviteUrl(applicationId) }, 'invite the bot with this URL');
        app.ready = {
          ...fields,
          storedKeys: census.total,
          database: store.where,
          ...(app.httpPort !== undefined ? { http: `${config.httpHost}:${app.httpPort}` } : {}),
        };
        log.info(app.ready, 'ready');
      },
      async stop(drainMs) {
        accepting = false;
        edge.drain();
        http?.drain();
        await pipeline.drain(drainMs);
        await edge.stop().catch((err: unknown) => log.warn({ err }, 'closing the edge failed'));
        await http?.close();
        await clears.drain();
        await store.close().catch((err: unknown) => log.warn({ err }, 'closing the store failed'));
      },
    };
    return app;
  } catch (error) {
    await opened.close().catch(() => undefined);
    throw error;
  }
}
