/**
 * Pure builders for the payloads the Discord stand-in sends, shaped like Discord's own
 * (types from discord-api-types via discord.js; field lists from /work/shared/discord-openapi.json).
 *
 *   makeSnowflake(): string                        unique, increasing, valid snowflakes
 *   createGuildState(spec): GuildState             ids, roles and channels of one stand-in guild
 *   buildInteraction(input): APIChatInputApplicationCommandInteraction
 *   buildMessage(input): APIMessage                what Discord answers for an interaction reply
 *   roleOption / stringOption / userOption          InteractionOption shorthands
 *
 * Stand-in guild roles, by position: 0 "@everyone" (id = guild id, everyday permissions),
 * 1 "Admin" (Administrator), 2 "Moderator" (Manage Server), then "Role 3".. with no permissions.
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  InteractionContextType,
  InteractionType,
  Locale,
  MessageType,
  type APIApplicationCommandInteractionDataOption,
  type APIChatInputApplicationCommandInteraction,
  type APIEmbed,
  type APIInteractionDataResolved,
  type APIMessage,
  type APIRole,
  type APIUser,
  type ChannelFlags,
  type GuildMemberFlags,
  type RoleFlags,
  type UserFlags,
} from 'discord.js';

const DISCORD_EPOCH = 1_420_070_400_000n;
let lastSnowflake = 0n;

/** A valid snowflake from now, strictly greater than any made before in this process. */
/** A new id, later than every one made before; with `on`, one whose guild would be on that shard. */
export function makeSnowflake(on?: { shard: number; count: number }): string {
  if (on && !(Number.isInteger(on.shard) && Number.isInteger(on.count) && on.shard >= 0 && on.shard < on.count)) {
    throw new Error(`makeSnowflake: no shard ${on.shard} of ${on.count}`);
  }
  for (;;) {
    const fromClock = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
    lastSnowflake = fromClock > lastSnowflake ? fromClock : lastSnowflake + 1n;
    // The shard comes from the timestamp bits (id >> 22): move on to the next millisecond until it fits.
    if (!on || (lastSnowflake >> 22n) % BigInt(on.count) === BigInt(on.shard)) return lastSnowflake.toString();
    lastSnowflake = (((lastSnowflake >> 22n) + 1n) << 22n) - 1n;
  }
}

/** Every permission bit Discord defined when discord-api-types 0.38.57 was published. */
export const ALL_PERMISSIONS = 8_866_461_766_385_663n;
export const ADMINISTRATOR = 1n << 3n;
export const MANAGE_GUILD = 1n << 5n;
/** View, send, embed, attach, react, history, voice, threads, app commands...: a new server's @everyone. */
export const DEFAULT_EVERYONE_PERMISSIONS = 1_799_872_721_702_465n;

export interface GuildSpec {
  id: string;
  name?: string;
  /** Text channels (default 3). */
  channels?: number;
  /** Roles including @everyone (default 5, at least 1). */
  roles?: number;
  /** member_count; GUILD_CREATE lists only the bot's member, as Discord does without privileged intents (default 10). */
  members?: number;
  /** The owner has every permission (default: a generated user). */
  ownerId?: string;
  locale?: Locale;
}

export interface GuildState {
  id: string;
  name: string;
  ownerId: string;
  locale: Locale;
  memberCount: number;
  joinedAt: string;
  channelIds: string[];
  /** Insertion order is position order; deleted roles are removed. */
  roles: Map<string, APIRole>;
}

export function makeRole(id: string, name: string, position: number, permissions: bigint): APIRole {
  return {
    id,
    name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: permissions.toString(),
    managed: false,
    mentionable: false,
    flags: 0 as RoleFlags,
  };
}

export function createGuildState(spec: GuildSpec): GuildState {
  const roles = new Map<string, APIRole>();
  const roleCount = Math.max(1, spec.roles ?? 5);
  roles.set(spec.id, makeRole(spec.id, '@everyone', 0, DEFAULT_EVERYONE_PERMISSIONS));
  for (let position = 1; position < roleCount; position++) {
    const id = makeSnowflake();
    if (position === 1) roles.set(id, makeRole(id, 'Admin', position, ADMINISTRATOR));
    else if (position === 2) roles.set(id, makeRole(id, 'Moderator', position, MANAGE_GUILD));
    else roles.set(id, makeRole(id, `Role ${position}`, position, 0n));
  }
  return {
    id: spec.id,
    name: spec.name ?? `Guild ${spec.id}`,
    ownerId: spec.ownerId ?? makeSnowflake(),
    locale: spec.locale ?? Locale.EnglishUS,
    memberCount: spec.members ?? 10,
    joinedAt: new Date().toISOString(),
    channelIds: Array.from({ length: spec.channels ?? 3 }, () => makeSnowflake()),
    roles,
  };
}

/** What a member's interaction carries: owner and Administrator mean every bit, else the union of roles. */
export function memberPermissions(guild: GuildState, userId: string, roleIds: readonly string[]): bigint {
  if (userId === guild.ownerId) return ALL_PERMISSIONS;
  let bits = BigInt(guild.roles.get(guild.id)?.permissions ?? '0');
  for (const id of roleIds) bits |= BigInt(guild.roles.get(id)?.permissions ?? '0');
  return bits & ADMINISTRATOR ? ALL_PERMISSIONS : bits;
}

export function makeUser(id: string, username: string, bot = false): APIUser {
  return {
    id,
    username,
    discriminator: '0',
    global_name: bot ? null : username,
    avatar: null,
    public_flags: 0 as UserFlags,
    flags: 0 as UserFlags,
    ...(bot ? { bot: true } : {}),
  };
}

function channelName(index: number): string {
  return index === 0 ? 'general' : `channel-${index + 1}`;
}

/** A stand-in guild's text channel, as an interaction (or a GUILD_CREATE) carries it. */
export function textChannel(guild: GuildState, index: number) {
  return {
    id: guild.channelIds[index] ?? makeSnowflake(),
    type: ChannelType.GuildText as const,
    name: channelName(index),
    position: index,
    parent_id: null,
    topic: null,
    nsfw: false,
    rate_limit_per_user: 0,
    last_message_id: null,
    flags: 0,
    permission_overwrites: [],
  };
}

export interface InteractionOption {
  name: string;
  type: number;
  value: string | number | boolean;
}

export const roleOption = (name: string, roleId: string): InteractionOption => ({
  name,
  type: ApplicationCommandOptionType.Role,
  value: roleId,
});
export const userOption = (name: string, userId: string): InteractionOption => ({
  name,
  type: ApplicationCommandOptionType.User,
  value: userId,
});
export const stringOption = (name: string, value: string): InteractionOption => ({
  name,
  type: ApplicationCommandOptionType.String,
  value,
});

export interface InteractionInput {
  id: string;
  token: string;
  applicationId: string;
  commandId: string;
  commandGuildId?: string;
  command: string;
  group?: string;
  subcommand?: string;
  options: readonly InteractionOption[];
  user: APIUser;
  /** Absent for a DM. */
  guild?: GuildState;
  channelId: string;
  memberRoles: readonly string[];
  permissions: bigint;
  appPermissions: bigint;
  locale: Locale;
}

/** Fills data.resolved as Discord does: role options from the guild's roles, users synthesised. */
function resolveOptions(input: InteractionInput): APIInteractionDataResolved | undefined {
  const resolved: APIInteractionDataResolved = {};
  for (const option of input.options) {
    const id = String(option.value);
    if (option.type === ApplicationCommandOptionType.Role) {
      const role = input.guild?.roles.get(id);
      // Discord's client cannot offer a role that does not exist; a test asking for one is a mistake.
      if (!role) throw new Error(`Discord stand-in: role option "${option.name}" names unknown role ${id}`);
      resolved.roles = { ...resolved.roles, [id]: role };
    } else if (option.type === ApplicationCommandOptionType.User) {
      resolved.users = { ...resolved.users, [id]: makeUser(id, `user${id.slice(-4)}`) };
      if (input.guild) {
        resolved.members ??= {};
        resolved.members[id] = {
          roles: [],
          joined_at: input.guild.joinedAt,
          permissions: DEFAULT_EVERYONE_PERMISSIONS.toString(),
          nick: null,
          avatar: null,
          banner: null,
          premium_since: null,
          flags: 0 as GuildMemberFlags,
          pending: false,
          communication_disabled_until: null,
        };
      }
    }
  }
  return Object.keys(resolved).length > 0 ? resolved : undefined;
}

export function buildInteraction(input: InteractionInput): APIChatInputApplicationCommandInteraction {
  // The spec's options are loosely typed on purpose; Discord nests them under subcommand and group.
  let options = input.options as unknown as APIApplicationCommandInteractionDataOption[];
  if (input.subcommand !== undefined) {
    options = [{ type: ApplicationCommandOptionType.Subcommand, name: input.subcommand, options }] as typeof options;
  }
  if (input.group !== undefined) {
    options = [{ type: ApplicationCommandOptionType.SubcommandGroup, name: input.group, options }] as typeof options;
  }
  const resolved = resolveOptions(input);
  const data = {
    id: input.commandId,
    name: input.command,
    type: ApplicationCommandType.ChatInput as const,
    ...(options.length > 0 ? { options } : {}),
    ...(resolved ? { resolved } : {}),
    ...(input.commandGuildId ? { guild_id: input.commandGuildId } : {}),
  };
  const common = {
    id: input.id,
    application_id: input.applicationId,
    token: input.token,
    version: 1 as const,
    type: InteractionType.ApplicationCommand as const,
    data,
    app_permissions: input.appPermissions.toString(),
    locale: input.locale,
    entitlements: [],
    attachment_size_limit: 10 * 1024 * 1024,
  };
  const { guild } = input;
  if (!guild) {
    return {
      ...common,
      channel_id: input.channelId,
      channel: {
        id: input.channelId,
        type: ChannelType.DM,
        last_message_id: null,
        flags: 0 as ChannelFlags,
        recipients: [input.user],
      },
      user: input.user,
      // Discord sends "0" for the guild-install owner when the command runs in the bot's DM.
      authorizing_integration_owners: { '0': '0' },
      context: InteractionContextType.BotDM,
    };
  }
  const channelIndex = guild.channelIds.indexOf(input.channelId);
  return {
    ...common,
    guild_id: guild.id,
    guild: { id: guild.id, locale: guild.locale, features: [] },
    guild_locale: guild.locale,
    channel_id: input.channelId,
    channel: {
      ...textChannel(guild, Math.max(0, channelIndex)),
      id: input.channelId,
      guild_id: guild.id,
    },
    member: {
      user: input.user,
      roles: [...input.memberRoles],
      permissions: input.permissions.toString(),
      joined_at: guild.joinedAt,
      nick: null,
      avatar: null,
      banner: null,
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0 as GuildMemberFlags,
      pending: false,
      communication_disabled_until: null,
    },
    authorizing_integration_owners: { '0': guild.id },
    context: InteractionContextType.Guild,
  };
}

/**
 * Turns a built command interaction into a MODAL_SUBMIT (type 5) as Discord sends it: the same
 * member, guild, channel and locale; data holds the form's custom_id and its text inputs' values.
 */
export function asFormSubmit(
  payload: APIChatInputApplicationCommandInteraction,
  form: { customId: string; fields: Record<string, string> },
): void {
  const loose = payload as unknown as Record<string, unknown>;
  loose.type = InteractionType.ModalSubmit;
  loose.data = {
    custom_id: form.customId,
    components: Object.entries(form.fields).map(([customId, value]) => ({
      type: 1,
      components: [{ type: 4, custom_id: customId, value }],
    })),
  };
}

/** Turns a built command interaction into a MESSAGE_COMPONENT (type 3): a button press on `message`, which Discord always sends with it. */
export function asComponent(
  payload: APIChatInputApplicationCommandInteraction,
  customId: string,
  message: APIMessage,
): void {
  const loose = payload as unknown as Record<string, unknown>;
  loose.type = InteractionType.MessageComponent;
  loose.data = { custom_id: customId, component_type: 2 };
  loose.message = message;
}

/** The fields of a message body the stand-in keeps (JSON or multipart payload_json). */
export interface MessageBody {
  content?: string | null;
  embeds?: APIEmbed[] | null;
  components?: unknown[] | null;
  attachments?: Array<{ id: string | number; filename?: string; description?: string }> | null;
  flags?: number | null;
  tts?: boolean | null;
  allowed_mentions?: { parse?: string[]; roles?: string[]; users?: string[]; replied_user?: boolean } | null;
}

export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  size: number;
}

export const MESSAGE_FLAG_EPHEMERAL = 1 << 6;
export const MESSAGE_FLAG_LOADING = 1 << 7;

export interface MessageInput {
  id: string;
  channelId: string;
  author: APIUser;
  applicationId: string;
  interactionId: string;
  invoker: APIUser;
  commandName: string;
  authorizingOwners: Record<string, string>;
  original: boolean;
  body: MessageBody;
  files: readonly UploadedFile[];
  flags: number;
  previous?: APIMessage;
}

/** The message Discord answers with; a PATCH keeps what the body leaves out. */
export function buildMessage(input: MessageInput): APIMessage {
  const { body, previous } = input;
  const attachments = input.files.map((file, index) => ({
    id: makeSnowflake(),
    filename: body.attachments?.[index]?.filename ?? file.filename,
    size: file.size,
    url: `https://cdn.discordapp.com/attachments/${input.channelId}/${input.id}/${file.filename}`,
    proxy_url: `https://media.discordapp.net/attachments/${input.channelId}/${input.id}/${file.filename}`,
    content_type: file.contentType,
  }));
  return {
    id: input.id,
    type: input.original ? MessageType.ChatInputCommand : MessageType.Default,
    channel_id: input.channelId,
    author: input.author,
    content: body.content === undefined ? (previous?.content ?? '') : (body.content ?? ''),
    embeds:
      body.embeds === undefined
        ? (previous?.embeds ?? [])
        : (body.embeds ?? []).map((embed) => ({ type: 'rich' as APIEmbed['type'], ...embed })),
    components: (body.components === undefined
      ? (previous?.components ?? [])
      : (body.components ?? [])) as APIMessage['components'],
    attachments: attachments.length > 0 || body.attachments !== undefined ? attachments : (previous?.attachments ?? []),
    mentions: [],
    mention_roles: [],
    mention_everyone: false,
    pinned: false,
    tts: body.tts ?? false,
    timestamp: previous?.timestamp ?? new Date().toISOString(),
    // Filling in a deferred (loading) message is not an edit; changing a visible one is.
    edited_timestamp:
      previous && ((previous.flags ?? 0) & MESSAGE_FLAG_LOADING) === 0 ? new Date().toISOString() : null,
    flags: input.flags,
    application_id: input.applicationId,
    webhook_id: input.applicationId,
    position: 0,
    interaction_metadata: {
      id: input.interactionId,
      type: InteractionType.ApplicationCommand,
      user: input.invoker,
      authorizing_integration_owners: input.authorizingOwners,
      name: input.commandName,
    },
  } as APIMessage;
}
