/** Registers the slash commands: globally, or to one server (DISCORD_GUILD_ID) while developing. */
import { REST, Routes, type APIApplication, type RESTPutAPIApplicationCommandsResult } from 'discord.js';
import type { Config } from '../config.js';
import { loadCommands, registrationPayload } from './commands.js';

export interface DeployResult {
  applicationId: string;
  scope: 'global' | { guildId: string };
  names: string[];
}

export async function deployCommands(config: Pick<Config, 'discordToken' | 'discordApiUrl' | 'discordClientId' | 'discordGuildId'>): Promise<DeployResult> {
  const rest = new REST({ api: config.discordApiUrl }).setToken(config.discordToken);
  const applicationId = config.discordClientId ?? ((await rest.get(Routes.currentApplication())) as APIApplication).id;
  const body = registrationPayload(await loadCommands());
  const route = config.discordGuildId ? Routes.applicationGuildCommands(applicationId, config.discordGuildId) : Routes.applicationCommands(applicationId);
  const registered = (await rest.put(route, { body })) as RESTPutAPIApplicationCommandsResult;
  return {
    applicationId,
    scope: config.discordGuildId ? { guildId: config.discordGuildId } : 'global',
    names: registered.map((c) => c.name),
  };
}
