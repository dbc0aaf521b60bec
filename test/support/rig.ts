/**
 * A whole world for one end-to-end test file: Discord and API stand-ins, a temp folder with a fresh
 * database, and the bot started from its entry point with env alone.
 *
 *   const rig = await startRig({ guilds: 3 });
 *   const reply = await rig.run({ guildId: rig.guildIds[0], userId: rig.adminId, command: 'clearcache' });
 *   await rig.close();
 */
import { randomBytes } from 'node:crypto';
import { type DiscordStandIn, type InteractionSpec, type VisibleReply, makeSnowflake, startDiscordStandIn } from './discord-standin.js';
import { type BotProcess, startBotProcess } from './bot-process.js';
import { type SdApiStandIn, startSdApiStandIn } from './sdapi-standin.js';
import { tempDir } from './temp.js';

export const TOKEN = `${Buffer.from(makeSnowflake()).toString('base64')}.Gx7kQz.${randomBytes(20).toString('base64url')}`;

export interface RigOptions {
  guilds?: number;
  env?: Record<string, string>;
  sdLatencyMs?: number;
}

export interface Rig {
  discord: DiscordStandIn;
  sd: SdApiStandIn;
  dir: string;
  dbFile: string;
  env: Record<string, string>;
  guildIds: string[];
  bot: BotProcess;
  /** Starts the bot (again) and waits for its ready line. */
  startBot(extraEnv?: Record<string, string>): Promise<BotProcess>;
  /** Sends an interaction and waits for the answer the user sees. */
  run(spec: InteractionSpec): Promise<VisibleReply>;
  close(): Promise<void>;
}

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const guildIds = Array.from({ length: options.guilds ?? 3 }, () => makeSnowflake());
  const discord = await startDiscordStandIn({ token: TOKEN, guilds: guildIds.map((id) => ({ id })) });
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
    ...options.env,
  };
  const rig: Rig = {
    discord,
    sd,
    dir: dir.path,
    dbFile: `${dir.path}/data/bot.sqlite`,
    env,
    guildIds,
    bot: undefined as unknown as BotProcess,
    async startBot(extraEnv = {}) {
      rig.bot = startBotProcess({ ...env, ...extraEnv }, dir.path);
      await rig.bot.waitForLog((l) => l.msg === 'ready', 15_000, 'the ready line');
      return rig.bot;
    },
    async run(spec) {
      return discord.sendInteraction(spec).reply();
    },
    async close() {
      await rig.bot?.stop('SIGKILL').catch(() => undefined);
      await Promise.allSettled([discord.close(), sd.close()]);
      dir.remove();
    },
  };
  await rig.startBot();
  return rig;
}
