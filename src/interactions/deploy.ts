/** Registers the slash commands: globally, or to one server (DISCORD_GUILD_ID) while developing. */
import { type APIApplication, type RESTPutAPIApplicationCommandsResult, Routes } from 'discord-api-types/v10';
import type { Config } from '../config.js';
import { createRest } from '../rest.js';
import { loadCommands, registrationPayload } from './command.js';

export interface DeployResult {
  applicationId: string;
  scope: 'global' | { guildId: string };
  names: string[];
}

export async function deployCommands(config: Pick<Config, 'discordToken' | 'discordApiUrl' | 'discordClientId' | 'discordGuildId'>): Promise<DeployResult> {
  const rest = createRest(config);
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
