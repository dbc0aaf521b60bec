/**
 * Discord's REST API as the bot uses it, for both ways in: answering an interaction by callback,
 * editing the answer after a deferral, and reading a guild's roles (the one bot-token call).
 */
import { REST } from '@discordjs/rest';
import { type APIRole, Routes } from 'discord-api-types/v10';
import type { Config } from './config.js';
import { sharedDispatcher } from './core/connections.js';
import type { DiscordPort } from './interactions/command.js';
import type { InteractionRef } from './interactions/input.js';
import type { AnswerMessage, Transport } from './interactions/pipeline.js';

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

/** Answers by REST: the callback, then (after a deferral) a PATCH of the original message. */
export function restTransport(rest: REST, ref: InteractionRef, budgetMs: number): Transport {
  return {
    budgetMs,
    async respond(response) {
      await rest.post(Routes.interactionCallback(ref.id, ref.token), { body: response, auth: false });
    },
    async edit(message: AnswerMessage) {
      await editOriginal(rest, ref, message);
    },
  };
}

export async function editOriginal(rest: REST, ref: InteractionRef, message: AnswerMessage): Promise<void> {
  await rest.patch(Routes.webhookMessage(ref.applicationId, ref.token, '@original'), { body: message, auth: false });
}

export function discordPort(rest: REST): DiscordPort {
  return {
    async guildRoleIds(guildId) {
      const roles = (await rest.get(Routes.guildRoles(guildId))) as APIRole[];
      return new Set(roles.map((r) => r.id));
    },
  };
}
