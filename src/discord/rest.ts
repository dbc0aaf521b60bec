/**
 * Discord's REST API as the bot uses it, for both edges, through `@discordjs/core`'s typed API
 * over @discordjs/rest (its http-only entry: no gateway code is loaded): answering an interaction
 * by callback, editing the answer after a deferral, reading a guild's roles (the one bot-token
 * call), the application behind the token, and registering the commands.
 */
import { API } from '@discordjs/core/http-only';
import { REST } from '@discordjs/rest';
import { InteractionResponseType } from 'discord-api-types/v10';
import type { Config } from '../config.js';
import { sharedDispatcher } from '../core/connections.js';
import type { DiscordPort } from '../interactions/command.js';
import type { InteractionRef } from '../interactions/input.js';
import type { AnswerMessage, Transport } from '../interactions/interaction.js';

/**
 * Interaction callbacks and webhook edits are not under Discord's global 50 requests/s, but
 * @discordjs/rest queues every request as if they were; this bot makes almost no other calls.
 * Every REST client of the process (the gateway client's, the role look-ups') shares one pool of
 * kept-alive connections (HTTP/2 where Discord offers it): see core/connections.ts.
 */
export function restOptions(): { globalRequestsPerSecond: number; agent: ReturnType<typeof sharedDispatcher> } {
  return { globalRequestsPerSecond: 500, agent: sharedDispatcher() };
}

export function createRest(config: Pick<Config, 'discordApiUrl' | 'discordToken'>): REST {
  return new REST({ api: config.discordApiUrl, ...restOptions() }).setToken(config.discordToken);
}

/** The typed API over a REST client (the bot's own, or the discord.js client's). */
export function discordApi(rest: REST): API {
  return new API(rest);
}

/** Answers by REST: the callback (a reply, a deferral or a modal), then (after a deferral) a PATCH of the original message. */
export function restTransport(api: API, ref: InteractionRef, budgetMs: number): Transport {
  return {
    budgetMs,
    async respond(response) {
      if (response.type === InteractionResponseType.ChannelMessageWithSource)
        await api.interactions.reply(ref.id, ref.token, response.data);
      else if (response.type === InteractionResponseType.Modal)
        await api.interactions.createModal(ref.id, ref.token, response.data);
      else await api.interactions.defer(ref.id, ref.token, response.data);
    },
    edit: (message) => editOriginal(api, ref, message),
  };
}

export async function editOriginal(api: API, ref: InteractionRef, message: AnswerMessage): Promise<void> {
  await api.interactions.editReply(ref.applicationId, ref.token, message);
}

export function discordPort(api: API): DiscordPort {
  return {
    async guildRoleIds(guildId) {
      const roles = await api.guilds.getRoles(guildId);
      return new Set(roles.map((r) => r.id));
    },
  };
}
