/**
 * The bot, composed: store -> key check -> core services -> commands -> Discord client. main.ts
 * runs it as a process; tests run the same thing in-process.
 */
import { type Client, Events } from 'discord.js';
import { loadCommands } from './bot/commands.js';
import { createClient, inviteUrl } from './bot/client.js';
import { type Dispatcher, createDispatcher } from './bot/dispatch.js';
import type { Config } from './config.js';
import { ClearService } from './core/clearing.js';
import { GuildStore } from './core/guilds.js';
import { createSdApi } from './core/sdapi.js';
import { createSealer } from './core/seal.js';
import { assertKeyOpensStore, resolveEncryptionKey } from './keyfile.js';
import type { Logger, SecretSet } from './logger.js';
import { type Store, openStore } from './store.js';

export interface App {
  client: Client;
  store: Store;
  guilds: GuildStore;
  dispatcher: Dispatcher;
  /** Logs in; resolves when the gateway session is ready. */
  start(): Promise<void>;
  /** Lets interactions in hand finish (up to drainMs), then closes the gateway and the store. */
  stop(drainMs: number): Promise<void>;
}

export async function createApp(config: Config, log: Logger, secrets: SecretSet): Promise<App> {
  const store = await openStore(config.databaseUrl);
  try {
    const sealing = resolveEncryptionKey(config.encryptionKey, store.file);
    if (sealing.created) log.info({ file: sealing.file }, 'generated ENCRYPTION_KEY into this file (mode 0600): back it up, the stored API keys cannot be opened without it');
    const sealer = createSealer(sealing.key);
    const checked = await assertKeyOpensStore(store.keyv, sealer, store.file);
    const storedKeys = checked.total;
    if (checked.unopened.length > 0) {
      log.warn(
        { count: checked.unopened.length, servers: checked.unopened.slice(0, 20) },
        'these servers have a stored API key that ENCRYPTION_KEY cannot open: their admins must set it again with /apikey set',
      );
    }
    if (checked.leftoverPendingFile) {
      log.warn({ file: checked.leftoverPendingFile }, 'a finished key rotation left a copy of the current key in this file: delete it once ENCRYPTION_KEY or the key file holds that key');
    }

    const guilds = new GuildStore(store.keyv, sealer, (secret) => secrets.add(secret));
    const api = createSdApi({ baseUrl: config.sdApiBaseUrl, timeoutMs: config.sdApiTimeoutMs });
    const clears = new ClearService({
      api,
      guilds,
      cooldownS: config.clearCacheCooldownS,
      onRecordError: (err, guildId) => log.error({ err, guildId }, 'could not record a clear in the audit trail'),
    });
    const dispatcher = createDispatcher(await loadCommands(), { guilds, clears, log });
    const client = createClient(config);

    client.on(Events.InteractionCreate, (interaction) => void dispatcher.handle(interaction));
    client.on(Events.ShardDisconnect, (event, shard) => log.warn({ shard, code: event.code }, 'gateway disconnected'));
    client.on(Events.ShardReconnecting, (shard) => log.info({ shard }, 'gateway reconnecting'));
    client.on(Events.ShardResume, (shard, replayed) => log.info({ shard, replayed }, 'gateway resumed'));
    client.on(Events.ShardError, (err, shard) => log.warn({ shard, err }, 'gateway error'));
    client.on(Events.Error, (err) => log.error({ err }, 'client error'));
    client.on(Events.Warn, (message) => log.warn({ message }, 'client warning'));

    return {
      client,
      store,
      guilds,
      dispatcher,
      async start() {
        const ready = new Promise<void>((resolve) =>
          client.once(Events.ClientReady, (c) => {
            log.info({ url: inviteUrl(c.application.id) }, 'invite the bot with this URL');
            log.info({ user: c.user.tag, guilds: c.guilds.cache.size, storedKeys, database: store.file }, 'ready');
            resolve();
          }),
        );
        await client.login(config.discordToken);
        await ready;
        void api.warmUp();
      },
      async stop(drainMs) {
        await dispatcher.drain(drainMs);
        await client.destroy().catch((err: unknown) => log.warn({ err }, 'closing the gateway failed'));
        await clears.drain();
        await store.close().catch((err: unknown) => log.warn({ err }, 'closing the store failed'));
      },
    };
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
}
