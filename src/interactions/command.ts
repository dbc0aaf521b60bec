/**
 * What a command module is, and the loader: every file in commands/ exports `command`, which
 * declares its access level and who sees its answer; the pipeline enforces both. A command takes
 * parsed input and returns a result: it never sees how the interaction travelled. A new command
 * is one new file.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type APIEmbed,
  type APIModalInteractionResponseCallbackData,
  ApplicationIntegrationType,
  InteractionContextType,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import type { AccessLevel } from '../core/access.js';
import type { ClearService } from '../core/clearing.js';
import type { GuildSettings, GuildRecords } from '../core/guilds.js';
import type { KeyService } from '../core/keys.js';
import type { Translate } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import { CommandModuleError } from './errors.js';
import type { ComponentInput, GuildInput } from './input.js';
import type { CommandOutcome } from './outcome.js';

export type { GuildInput } from './input.js';

/** A submitted form, as a command's form handler takes it. */
export type FormInput = GuildInput & { component: ComponentInput };

/** What the bot asks of Discord beyond answering (REST, with the bot token). */
export interface DiscordPort {
  /** The ids of a guild's roles as they are now. */
  guildRoleIds(guildId: string): Promise<Set<string>>;
}

/** What the pipeline hands a command: everything it needs, loaded once, nothing global. */
export interface CommandContext {
  /** The guild's settings; empty when `storeUnavailable` (only commands open to everyone run then). */
  settings: GuildSettings;
  /** The store could not be read: a command open to everyone runs anyway and says so. */
  storeUnavailable: boolean;
  guilds: GuildRecords;
  clears: ClearService;
  /** Checking a key with the API before it is kept, and the account's balance. */
  keys: KeyService;
  discord: DiscordPort;
  /** The application's id: who acts when the bot changes something by itself. */
  applicationId: string;
  /** Our words in the caller's language. */
  t: Translate;
  log: Logger;
}

export interface CommandResult {
  embeds: APIEmbed[];
  /** One word for the interaction's log line and metrics: 'ok', 'invalid-input', an API outcome... */
  outcome: CommandOutcome;
  /** Show only to the caller even if the command's answers are public (unless already deferred publicly). */
  ephemeral?: boolean;
}

export interface Command {
  data: { name: string; toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody };
  access: AccessLevel;
  /** Who sees the answer: only the caller, or the channel. Refusals and errors are always private. */
  visibility: 'ephemeral' | 'public';
  /** When the command may next run in this guild (ms since epoch), or undefined; checked before execute. */
  cooldownUntil?(ctx: CommandContext): number | undefined | Promise<number | undefined>;
  execute(input: GuildInput, ctx: CommandContext): Promise<CommandResult>;
  /**
   * A form to open instead of running (a modal), or undefined to run. A modal must be the first
   * response, so the pipeline asks right after the checks that need no store (guild-only, admin
   * access) and sends it at once: only commands whose access needs no store read may declare one.
   */
  modal?(input: GuildInput, t: Translate): APIModalInteractionResponseCallbackData | undefined;
  /** The forms this command opens, by custom_id: a submitted one runs here, after the same gates as the command. */
  forms?: Readonly<Record<string, (input: FormInput, ctx: CommandContext) => Promise<CommandResult>>>;
}

export const COMMANDS_DIR = fileURLToPath(new URL('../../commands/', import.meta.url));

function isCommand(value: unknown): value is Command {
  const c = value as Partial<Command> | undefined;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.data?.name === 'string' &&
    typeof c.data.toJSON === 'function' &&
    (c.access === 'admin' || c.access === 'operator' || c.access === 'everyone') &&
    (c.visibility === 'ephemeral' || c.visibility === 'public') &&
    typeof c.execute === 'function' &&
    // Granted roles are in the store: an operator command could not open its form as the first response.
    (c.modal === undefined || (typeof c.modal === 'function' && c.access !== 'operator'))
  );
}

/** Loads commands/ (built .js, or .ts under tsx and vitest), checking each module's shape. */
export async function loadCommands(dir = COMMANDS_DIR): Promise<Map<string, Command>> {
  const files = (await readdir(dir)).filter((f) => /\.(js|ts)$/.test(f) && !f.endsWith('.d.ts')).sort();
  const commands = new Map<string, Command>();
  for (const file of files) {
    const module = (await import(pathToFileURL(`${dir}/${file}`).href)) as { command?: unknown };
    if (!isCommand(module.command)) {
      throw new CommandModuleError(
        `commands/${file} must export \`command\` with data, access ('admin' | 'operator' | 'everyone'), visibility ('ephemeral' | 'public') and execute (and a modal only with access 'admin' or 'everyone')`,
      );
    }
    if (commands.has(module.command.data.name))
      throw new CommandModuleError(`commands/${file}: /${module.command.data.name} is defined twice`);
    commands.set(module.command.data.name, module.command);
  }
  return commands;
}

/**
 * The registration payload, with policy derived from each command's declared access: every command
 * is guild-only; admin commands are hidden from members without Manage Server by default; operator
 * commands stay visible to all, since Discord cannot know our granted roles (checked at run time),
 * and so do commands open to everyone.
 */
export function registrationPayload(commands: Map<string, Command>): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [...commands.values()].map((c) => ({
    ...c.data.toJSON(),
    contexts: [InteractionContextType.Guild],
    integration_types: [ApplicationIntegrationType.GuildInstall],
    default_member_permissions: c.access === 'admin' ? PermissionFlagsBits.ManageGuild.toString() : null,
  }));
}
