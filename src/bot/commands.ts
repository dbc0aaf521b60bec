/**
 * What a command module is, and the loader: every file in commands/ exports `command`, a module
 * that declares its access level and how it defers; the dispatcher enforces both. A new command
 * is one new file.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  ApplicationIntegrationType,
  type ChatInputCommandInteraction,
  type EmbedBuilder,
  InteractionContextType,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { ClearService } from '../core/clearing.js';
import type { GuildSettings, GuildStore } from '../core/guilds.js';
import type { AccessLevel } from '../core/access.js';
import type { Logger } from '../logger.js';

/** What the dispatcher hands a command: everything it needs, loaded once, nothing global. */
export interface CommandContext {
  guildId: string;
  userId: string;
  settings: GuildSettings;
  guilds: GuildStore;
  clears: ClearService;
  log: Logger;
}

export interface CommandResult {
  embeds: EmbedBuilder[];
  /** One word for the interaction's log line: 'ok', 'refused', an API outcome... */
  outcome: string;
}

export interface BotCommand {
  data: { name: string; toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody };
  access: AccessLevel;
  /** Ephemeral replies are seen only by the caller; public ones by the channel. */
  defer: 'ephemeral' | 'public';
  /** When the command may next run in this guild (ms since epoch), checked before deferring, from memory. */
  cooldownUntil?(guildId: string, clears: ClearService): number | undefined;
  execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<CommandResult>;
}

export const COMMANDS_DIR = fileURLToPath(new URL('../../commands/', import.meta.url));

export class CommandModuleError extends Error {
  override name = 'CommandModuleError';
}

function isBotCommand(value: unknown): value is BotCommand {
  const c = value as Partial<BotCommand> | undefined;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.data?.name === 'string' &&
    typeof c.data.toJSON === 'function' &&
    (c.access === 'admin' || c.access === 'operator') &&
    (c.defer === 'ephemeral' || c.defer === 'public') &&
    typeof c.execute === 'function'
  );
}

/** Loads commands/ (built .js, or .ts under tsx and vitest), checking each module's shape. */
export async function loadCommands(dir = COMMANDS_DIR): Promise<Map<string, BotCommand>> {
  const files = (await readdir(dir)).filter((f) => /\.(js|ts)$/.test(f) && !f.endsWith('.d.ts')).sort();
  const commands = new Map<string, BotCommand>();
  for (const file of files) {
    const module = (await import(pathToFileURL(`${dir}/${file}`).href)) as { command?: unknown };
    if (!isBotCommand(module.command)) {
      throw new CommandModuleError(`commands/${file} must export \`command\` with data, access ('admin' | 'operator'), defer and execute`);
    }
    if (commands.has(module.command.data.name)) throw new CommandModuleError(`commands/${file}: /${module.command.data.name} is defined twice`);
    commands.set(module.command.data.name, module.command);
  }
  return commands;
}

/**
 * The registration payload, with policy derived from each command's declared access: every command
 * is guild-only; admin commands are hidden from members without Manage Server by default; operator
 * commands stay visible to all, since Discord cannot know our granted roles (checked at run time).
 */
export function registrationPayload(commands: Map<string, BotCommand>): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [...commands.values()].map((c) => ({
    ...c.data.toJSON(),
    contexts: [InteractionContextType.Guild],
    integration_types: [ApplicationIntegrationType.GuildInstall],
    default_member_permissions: c.access === 'admin' ? PermissionFlagsBits.ManageGuild.toString() : null,
  }));
}
