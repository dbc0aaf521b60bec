/**
 * A whole world for one end-to-end test file: Discord and API stand-ins, a temp folder with a fresh
 * database, and the bot, either started from its entry point with env alone (startRig) or composed
 * in this process from the same parts (startInProcessRig, for tests that reach into the store).
 *
 *   const rig = await startRig({ guilds: 3 });
 *   const reply = await rig.run({ ...people(rig.discord, rig.guildIds[0]).admin, command: 'clearcache' });
 *   await rig.close();
 */
import { randomBytes } from 'node:crypto';
import type { App } from '../../src/app.js';
import { createBot } from '../../src/bot.js';
import { parseConfig } from '../../src/config.js';
import { type BotProcess, type LogLine, startBotProcess } from './bot-process.js';
import {
  type DiscordStandIn,
  type DiscordStandInOptions,
  type InteractionSpec,
  type VisibleReply,
  makeSnowflake,
  startDiscordStandIn,
} from './discord-standin.js';
import { type SdApiStandIn, startSdApiStandIn } from './sdapi-standin.js';
import { tempDir } from './temp.js';

export const TOKEN = `${Buffer.from(makeSnowflake()).toString('base64')}.Gx7kQz.${randomBytes(20).toString('base64url')}`;

export interface RigOptions {
  guilds?: number;
  /** The guilds' ids (instead of `guilds` new ones), e.g. made with makeSnowflake({ shard, count }). */
  guildIds?: string[];
  /** More options for the Discord stand-in (recommendedShards, maxConcurrency...). */
  discord?: Omit<DiscordStandInOptions, 'token' | 'guilds'>;
  env?: Record<string, string>;
  sdLatencyMs?: number;
  /** How interactions reach the bot: the gateway (default), or signed POSTs to its HTTP endpoint. */
  mode?: 'gateway' | 'http';
}

export interface World {
  discord: DiscordStandIn;
  sd: SdApiStandIn;
  dir: string;
  dbFile: string;
  env: Record<string, string>;
  guildIds: string[];
  /** Sends an interaction and waits for the answer the user sees. */
  run(spec: InteractionSpec): Promise<VisibleReply>;
}

export interface Rig extends World {
  bot: BotProcess;
  /** The bot's /interactions URL when it runs its HTTP server. */
  endpoint: string | undefined;
  /** Starts the bot (again) and waits for its ready line. */
  startBot(extraEnv?: Record<string, string>): Promise<BotProcess>;
  close(): Promise<void>;
}

export interface InProcessRig extends World {
  app: App;
  logs: LogLine[];
  close(): Promise<void>;
}

export async function startWorld(options: RigOptions): Promise<World & { closeWorld(): Promise<void> }> {
  const guildIds = options.guildIds ?? Array.from({ length: options.guilds ?? 3 }, () => makeSnowflake());
  const discord = await startDiscordStandIn({
    ...options.discord,
    token: TOKEN,
    guilds: guildIds.map((id) => ({ id })),
  });
  const sd = await startSdApiStandIn({ latencyMs: options.sdLatencyMs ?? 0 });
  const dir = tempDir('sdbot-e2e-');
  const env: Record<string, string> = {
    DISCORD_TOKEN: TOKEN,
    DISCORD_API_URL: discord.apiUrl,
    SD_API_BASE_URL: sd.baseUrl,
    SD_API_TIMEOUT_MS: '2000',
    CLEARCACHE_COOLDOWN_S: '0',
    DATABASE_URL: `sqlite://${dir.path}/data/bot.sqlite`,
    LOG_LEVEL: 'debug',
    ...(options.mode === 'http'
      ? { INTERACTIONS_MODE: 'http', DISCORD_PUBLIC_KEY: discord.publicKey, HTTP_HOST: '127.0.0.1', HTTP_PORT: '0' }
      : {}),
    ...options.env,
  };
  return {
    discord,
    sd,
    dir: dir.path,
    dbFile: `${dir.path}/data/bot.sqlite`,
    env,
    guildIds,
    run: (spec) => discord.sendInteraction(spec).reply(),
    async closeWorld() {
      await Promise.allSettled([discord.close(), sd.close()]);
      dir.remove();
    },
  };
}

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const { closeWorld, ...world } = await startWorld(options);
  const rig: Rig = {
    ...world,
    bot: undefined as unknown as BotProcess,
    endpoint: undefined,
    async startBot(extraEnv = {}) {
      rig.bot = startBotProcess({ ...world.env, ...extraEnv }, world.dir);
      const ready = await rig.bot.waitForLog((l) => l.msg === 'ready', 15_000, 'the ready line');
      // In http mode Discord delivers to the endpoint: point the stand-in at the port the bot took.
      rig.endpoint = typeof ready.http === 'string' ? `http://${ready.http}/interactions` : undefined;
      if (ready.mode === 'http') world.discord.setInteractionsEndpoint(rig.endpoint);
      return rig.bot;
    },
    async close() {
      await rig.bot?.stop('SIGKILL').catch(() => undefined);
      await closeWorld();
    },
  };
  await rig.startBot();
  return rig;
}

export async function startInProcessRig(options: RigOptions = {}): Promise<InProcessRig> {
  const { closeWorld, ...world } = await startWorld(options);
  const logs: LogLine[] = [];
  // The process' own set-up (secrets, logger, app), with the lines kept here and no signals.
  const { app } = await createBot(parseConfig(world.env), {
    destination: { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
    onFatal: (reason) => logs.push({ level: 60, msg: `fatal: ${reason}` }),
  });
  await app.start();
  return {
    ...world,
    app,
    logs,
    async close() {
      await app.stop(0).catch(() => undefined);
      await closeWorld();
    },
  };
}
