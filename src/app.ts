/**
 * The bot, composed: store -> key check -> core services -> commands -> the road -> the way in.
 * main.ts runs it as a process; tests run the same thing in-process.
 */
import type { Config } from './config.js';
import { ClearService } from './core/clearing.js';
import { GuildStore } from './core/guilds.js';
import { createSdApi } from './core/sdapi.js';
import { createSealer } from './core/seal.js';
import { type Gateway, createGateway } from './gateway/gateway.js';
import { inviteUrl } from './gateway/client.js';
import { loadCommands } from './interactions/command.js';
import { type Road, createRoad } from './interactions/pipeline.js';
import { assertKeyOpensStore, keyAnchor, resolveEncryptionKey } from './keyfile.js';
import type { Logger, SecretSet } from './logger.js';
import { createRest, discordPort } from './rest.js';
import { type Store, openStore } from './store/index.js';

export interface App {
  store: Store;
  guilds: GuildStore;
  road: Road;
  gateway: Gateway;
  /** Connects the way in; resolves when the bot is accepting interactions. */
  start(): Promise<void>;
  /** Lets interactions in hand finish (up to drainMs), then closes the way in and the store. */
  stop(drainMs: number): Promise<void>;
}

export interface AppHooks {
  /** The way in failed for good (e.g. the gateway refused the token): the process should end. */
  onFatal(reason: string): void;
}

export async function createApp(config: Config, log: Logger, secrets: SecretSet, hooks: AppHooks): Promise<App> {
  const store = await openStore(config.databaseUrl);
  try {
    const sealing = resolveEncryptionKey(config.encryptionKey, keyAnchor(store));
    if (sealing.created) log.info({ file: sealing.file }, 'generated ENCRYPTION_KEY into this file (mode 0600): back it up, the stored API keys cannot be opened without it');
    const sealer = createSealer(sealing.key);
    const census = await assertKeyOpensStore(store, sealer, keyAnchor(store));
    for (const { guildId, reason } of census.damaged) {
      log.error({ guildId, reason }, "a server's record is damaged: that server gets an error until it is repaired; the others work");
    }
    if (census.unopened.length > 0) {
      log.warn(
        { count: census.unopened.length, servers: census.unopened.slice(0, 20) },
        'these servers have a stored API key that ENCRYPTION_KEY cannot open: their admins must set it again with /apikey set',
      );
    }
    if (census.leftoverPendingFile) {
      log.warn({ file: census.leftoverPendingFile }, 'a finished key rotation left a copy of the current key in this file: delete it once ENCRYPTION_KEY or the key file holds that key');
    }

    const guilds = new GuildStore(store, sealer, (secret) => secrets.add(secret));
    const api = createSdApi({ baseUrl: config.sdApiBaseUrl, timeoutMs: config.sdApiTimeoutMs });
    const clears = new ClearService({
      api,
      guilds,
      records: store,
      cooldownS: config.clearCacheCooldownS,
      apiTimeoutMs: config.sdApiTimeoutMs,
      onRecordError: (err, guildId) => log.error({ err, guildId }, 'could not record a clear'),
    });
    const road = createRoad(await loadCommands(), { guilds, clears, discord: discordPort(createRest(config)), log });
    const way = createGateway(config, road, log, hooks.onFatal);

    return {
      store,
      guilds,
      road,
      gateway: way,
      async start() {
        await way.start();
        const { client } = way;
        log.info({ url: inviteUrl(client.application!.id) }, 'invite the bot with this URL');
        log.info({ user: client.user?.tag, guilds: client.guilds.cache.size, storedKeys: census.total, database: store.where }, 'ready');
        void api.warmUp();
      },
      async stop(drainMs) {
        await road.drain(drainMs);
        await way.stop().catch((err: unknown) => log.warn({ err }, 'closing the gateway failed'));
        await clears.drain();
        await store.close().catch((err: unknown) => log.warn({ err }, 'closing the store failed'));
      },
    };
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
}
