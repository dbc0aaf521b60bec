/**
 * The discord.js Client with only what this bot uses. Interactions reach a bot whatever its
 * intents, and everything a command needs arrives inside the interaction, so the bot asks for no
 * intents and caches nothing per guild: memory stays flat however many servers it joins.
 */
import { Client, Options } from 'discord.js';
import type { Config } from '../config.js';
import { REST_OPTIONS } from '../rest.js';

export function createClient(config: Pick<Config, 'discordApiUrl'>): Client {
  const none = { maxSize: 0 };
  return new Client({
    intents: [],
    rest: { api: config.discordApiUrl, ...REST_OPTIONS },
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
}
