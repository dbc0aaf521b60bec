/** Registers the slash commands: globally, or to one server (DISCORD_GUILD_ID) while developing. */
import type { Config } from '../config.js';
import { createRest, discordApi } from '../discord/rest.js';
import { loadCommands, registrationPayload } from './command.js';

export interface DeployResult {
  applicationId: string;
  scope: 'global' | { guildId: string };
  names: string[];
}

export async function deployCommands(
  config: Pick<Config, 'discordToken' | 'discordApiUrl' | 'discordClientId' | 'discordGuildId'>,
): Promise<DeployResult> {
  const api = discordApi(createRest(config));
  const applicationId = config.discordClientId ?? (await api.applications.getCurrent()).id;
  const body = registrationPayload(await loadCommands());
  const registered = config.discordGuildId
    ? await api.applicationCommands.bulkOverwriteGuildCommands(applicationId, config.discordGuildId, body)
    : await api.applicationCommands.bulkOverwriteGlobalCommands(applicationId, body);
  return {
    applicationId,
    scope: config.discordGuildId ? { guildId: config.discordGuildId } : 'global',
    names: registered.map((c) => c.name),
  };
}
