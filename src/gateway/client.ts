/**
 * The discord.js Client with only what this bot uses. Interactions reach a bot whatever its
 * intents, and everything a command needs arrives inside the interaction, so the bot asks for no
 * intents and caches nothing per guild: memory stays flat however many servers it joins.
 */
import { Client, Options } from 'discord.js';
import type { Config } from '../config.js';
import { restOptions } from '../discord/rest.js';

/**
 * The shards this process runs, as discord.js takes them: `auto` (Discord's recommended count, every
 * shard), or the ids and the total count of shards across all processes.
 */
export function shardOptions(config: Pick<Config, 'shardCount' | 'shardIds'>): {
  shards: number[] | 'auto';
  shardCount: number | undefined;
} {
  if (config.shardCount === 'auto') return { shards: 'auto', shardCount: undefined };
  return {
    shards: config.shardIds ?? Array.from({ length: config.shardCount }, (_, id) => id),
    shardCount: config.shardCount,
  };
}

/**
 * discord.js replaces a `shardCount` left at its default (1) by the SHARD_COUNT environment variable
 * of its own ShardingManager, which is the name this bot's setting has too: `SHARD_COUNT=auto` would
 * become NaN there and the constructor would throw. So the client is built with a count that is not
 * the default and given the real one at once (config.ts stays the one reader of the environment).
 */
const NOT_THE_DEFAULT_COUNT = 2;

export function createClient(config: Pick<Config, 'discordApiUrl' | 'shardCount' | 'shardIds'>): Client {
  const none = { maxSize: 0 };
  const { shards, shardCount } = shardOptions(config);
  const client = new Client({
    intents: [],
    // With 'auto' discord.js asks GET /gateway/bot for the count at login and runs every shard.
    shards,
    shardCount: NOT_THE_DEFAULT_COUNT,
    rest: { api: config.discordApiUrl, ...restOptions() },
    makeCache: Options.cacheWithLimits({
      ApplicationCommandManager: 0,
      ApplicationEmojiManager: 0,
      AutoModerationRuleManager: 0,
      BaseGuildEmojiManager: 0,
      DMMessageManager: 0,
      EntitlementManager: 0,
      GuildBanManager: 0,
      GuildEmojiManager: 0,
      GuildForumThreadManager: 0,
      GuildInviteManager: 0,
      GuildMemberManager: 0,
      GuildMessageManager: 0,
      GuildScheduledEventManager: 0,
      GuildStickerManager: 0,
      GuildTextThreadManager: 0,
      MessageManager: 0,
      PresenceManager: 0,
      ReactionManager: 0,
      ReactionUserManager: 0,
      StageInstanceManager: 0,
      ThreadManager: 0,
      ThreadMemberManager: 0,
      UserManager: none,
      VoiceStateManager: 0,
    }),
    allowedMentions: { parse: [] },
    failIfNotExists: false,
  });
  // Read at login; with 'auto' it is ignored there and replaced by Discord's count.
  client.options.shardCount = shardCount ?? 1;
  return client;
}
