/**
 * Application commands as the Discord stand-in stores them (bulk overwrite, like Discord's PUT).
 *
 *   const registry = new CommandRegistry(applicationId);
 *   registry.put(body, guildId?)   // -> { ok: commands with ids } | { error: Discord 400 body }
 *   registry.list(guildId?)        // what the last PUT stored (global when no guild)
 *   registry.idFor(name, guildId?) // the id an INTERACTION_CREATE carries for that command
 *
 * A command named again in a later PUT keeps its id, as on Discord.
 */
import { ApplicationCommandType, type APIApplicationCommand } from 'discord.js';
import { makeSnowflake } from './discord-payloads.js';
import { validateCommands, type DiscordError } from './discord-validation.js';

const GLOBAL = 'global';

export class CommandRegistry {
  readonly #byScope = new Map<string, APIApplicationCommand[]>();
  readonly #ids = new Map<string, string>();

  constructor(private readonly applicationId: string) {}

  put(body: unknown, guildId?: string): { ok: APIApplicationCommand[] } | { error: DiscordError } {
    const error = validateCommands(body);
    if (error) return { error };
    const stored = (body as Array<Record<string, unknown>>).map((command): APIApplicationCommand => {
      const type = typeof command.type === 'number' ? command.type : ApplicationCommandType.ChatInput;
      return {
        // Discord's defaults for what a registration leaves out.
        default_member_permissions: null,
        description: '',
        options: [],
        nsfw: false,
        integration_types: [0],
        contexts: null,
        ...command,
        name: String(command.name),
        id: this.#id(`${guildId ?? GLOBAL}:${type}:${String(command.name)}`),
        application_id: this.applicationId,
        version: makeSnowflake(),
        type,
        ...(guildId ? { guild_id: guildId } : {}),
      } as APIApplicationCommand;
    });
    this.#byScope.set(guildId ?? GLOBAL, stored);
    return { ok: stored };
  }

  list(guildId?: string): APIApplicationCommand[] {
    return [...(this.#byScope.get(guildId ?? GLOBAL) ?? [])];
  }

  /** A guild command wins over a global one of the same name; an unregistered name gets a stable id. */
  idFor(name: string, guildId?: string): { id: string; guildId?: string } {
    const isIt = (c: APIApplicationCommand): boolean => c.name === name && c.type === ApplicationCommandType.ChatInput;
    const registered =
      (guildId ? this.#byScope.get(guildId)?.find(isIt) : undefined) ?? this.#byScope.get(GLOBAL)?.find(isIt);
    if (registered) return { id: registered.id, ...(registered.guild_id ? { guildId: registered.guild_id } : {}) };
    return { id: this.#id(`unregistered:${name}`) };
  }

  #id(key: string): string {
    const id = this.#ids.get(key) ?? makeSnowflake();
    this.#ids.set(key, id);
    return id;
  }
}
