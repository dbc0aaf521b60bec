/**
 * From an application command interaction as Discord sends it (through the gateway or over HTTP)
 * to the plain input a command takes: the subcommand, the options by name, the resolved roles of
 * role options, the caller's permissions and roles as Discord computed them for this interaction
 * (never a cache), the guild and the locale. Nothing in the payload is trusted beyond its shape.
 */
import { parsePermissions } from '../core/access.js';
import { type JsonObject, isObject } from '../core/json.js';
import { InputError } from './errors.js';

export interface ResolvedRole {
  id: string;
  name: string;
  managed: boolean;
}

export interface Caller {
  id: string;
  /** From the interaction's member data: a malformed bitfield grants nothing. */
  permissions: bigint;
  roleIds: readonly string[];
}

export interface CommandInput {
  name: string;
  subcommand: string | undefined;
  /** String, integer, number and boolean options; role, user and channel options as their ids. */
  options: ReadonlyMap<string, string | number | boolean>;
  /** Role options, resolved by Discord. */
  roles: ReadonlyMap<string, ResolvedRole>;
  /** Undefined outside a server (a DM). */
  guildId: string | undefined;
  caller: Caller;
  /** The caller's Discord locale, e.g. `en-US`, `de`. */
  locale: string;
  /** Set when this is not a slash command but a submitted form (MODAL_SUBMIT) or a component (a button...). */
  component?: ComponentInput;
}

/**
 * A submitted form or a component, as sent: its custom_id names which form it claims to be, and is
 * trusted for nothing else (the pipeline accepts only the forms the commands declare, and checks
 * the submitting member as for any command). A component's `fields` is empty.
 */
export interface ComponentInput {
  kind: 'form' | 'component';
  customId: string;
  /** The form's text inputs by custom_id. */
  fields: ReadonlyMap<string, string>;
}

/** The input of a command run in a server: the only kind the pipeline hands to a command. */
export type GuildInput = CommandInput & { guildId: string };

/** Which interaction this is, for the edge to answer it. */
export interface InteractionRef {
  id: string;
  token: string;
  applicationId: string;
}

export type ParsedCommand = { ok: true; ref: InteractionRef; input: CommandInput } | { ok: false; reason: string };

const isId = (v: unknown): v is string => typeof v === 'string' && /^\d{1,20}$/.test(v);
const text = (v: unknown, max = 100): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

const APPLICATION_COMMAND = 2;
const MESSAGE_COMPONENT = 3;
const MODAL_SUBMIT = 5;
const TEXT_INPUT = 4;
const ACTION_ROW = 1;
const LABEL = 18;
const SUBCOMMAND = 1;
const GROUP = 2;
const ROLE = 8;

/**
 * An interaction the bot answers: an APPLICATION_COMMAND (type 2) of a chat input command, a
 * MODAL_SUBMIT (type 5), or a MESSAGE_COMPONENT (type 3, answered "not understood"), or why not.
 */
export function parseInteraction(raw: unknown): ParsedCommand {
  if (!isObject(raw)) return { ok: false, reason: 'not an interaction' };
  if (raw.type === MODAL_SUBMIT || raw.type === MESSAGE_COMPONENT) return parseComponent(raw);
  return parseCommand(raw);
}

/** An APPLICATION_COMMAND interaction (type 2) of a chat input command, or why not. */
export function parseCommand(raw: unknown): ParsedCommand {
  if (!isObject(raw) || raw.type !== APPLICATION_COMMAND) return { ok: false, reason: 'not an application command' };
  const { data } = raw;
  if (!isObject(data) || !text(data.name, 32)) return { ok: false, reason: 'no command name' };
  const common = parseCommon(raw);
  if (!common.ok) return common;
  const { ref, input: base } = common;

  let options: unknown = data.options;
  let subcommand: string | undefined;
  const first = Array.isArray(options) ? (options[0] as unknown) : undefined;
  if (isObject(first) && first.type === GROUP && Array.isArray(first.options)) {
    const sub = first.options[0] as unknown;
    if (isObject(sub) && text(sub.name, 32)) {
      subcommand = `${String(first.name)} ${sub.name}`;
      options = sub.options;
    }
  } else if (isObject(first) && first.type === SUBCOMMAND && text(first.name, 32)) {
    subcommand = first.name;
    options = first.options;
  }

  const values = new Map<string, string | number | boolean>();
  const roles = new Map<string, ResolvedRole>();
  const resolved = isObject(data.resolved) && isObject(data.resolved.roles) ? data.resolved.roles : {};
  for (const option of Array.isArray(options) ? (options as unknown[]) : []) {
    if (!isObject(option) || !text(option.name, 32)) continue;
    const value = option.value;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue;
    values.set(option.name, value);
    const role = option.type === ROLE ? resolved[String(value)] : undefined;
    if (isObject(role) && isId(role.id))
      roles.set(option.name, {
        id: role.id,
        name: typeof role.name === 'string' ? role.name : '',
        managed: role.managed === true,
      });
  }

  return { ok: true, ref, input: { ...base, name: data.name, subcommand, options: values, roles } };
}

type Common =
  | { ok: true; ref: InteractionRef; input: Pick<CommandInput, 'guildId' | 'caller' | 'locale'> }
  | { ok: false; reason: string };

/** What every interaction carries: which one it is, who sent it (from the member data of this interaction), where, in which language. */
function parseCommon(raw: JsonObject): Common {
  const { id, token, application_id: applicationId, guild_id: guildId, member, user, locale } = raw;
  if (!isId(id) || !text(token, 500) || !isId(applicationId))
    return { ok: false, reason: 'no interaction id, token or application id' };
  const who = isObject(member) && isObject(member.user) ? member.user : user;
  if (!isObject(who) || !isId(who.id)) return { ok: false, reason: 'no user' };
  const inGuild = isId(guildId) && isObject(member);
  const caller: Caller = {
    id: who.id,
    permissions: inGuild ? parsePermissions(member.permissions) : 0n,
    roleIds: inGuild && Array.isArray(member.roles) ? member.roles.filter(isId) : [],
  };
  return {
    ok: true,
    ref: { id, token, applicationId },
    input: {
      guildId: inGuild ? guildId : undefined,
      caller,
      locale: typeof locale === 'string' && locale.length <= 10 ? locale : 'en-US',
    },
  };
}

/**
 * A MODAL_SUBMIT (its custom_id and text input values, in action rows or labels) or a
 * MESSAGE_COMPONENT (its custom_id). Its name is empty: which command owns it is the pipeline's to say.
 */
function parseComponent(raw: JsonObject): ParsedCommand {
  const { data } = raw;
  if (!isObject(data) || !text(data.custom_id, 100)) return { ok: false, reason: 'no custom_id' };
  const common = parseCommon(raw);
  if (!common.ok) return common;
  const fields = new Map<string, string>();
  if (raw.type === MODAL_SUBMIT) {
    for (const top of Array.isArray(data.components) ? (data.components as unknown[]) : []) {
      if (!isObject(top)) continue;
      const inner: unknown[] =
        top.type === ACTION_ROW && Array.isArray(top.components)
          ? top.components
          : top.type === LABEL
            ? [top.component]
            : [];
      for (const input of inner) {
        if (
          isObject(input) &&
          input.type === TEXT_INPUT &&
          text(input.custom_id, 100) &&
          typeof input.value === 'string' &&
          input.value.length <= 4000
        )
          fields.set(input.custom_id, input.value);
      }
    }
  }
  return {
    ok: true,
    ref: common.ref,
    input: {
      ...common.input,
      name: '',
      subcommand: undefined,
      options: new Map(),
      roles: new Map(),
      component: { kind: raw.type === MODAL_SUBMIT ? 'form' : 'component', customId: data.custom_id, fields },
    },
  };
}

/** A string option, or undefined when absent; present with another type is an InputError. */
export function stringOption(input: CommandInput, name: string): string | undefined {
  const value = input.options.get(name);
  if (value === undefined || typeof value === 'string') return value;
  throw new InputError(`option ${name} is not a string`);
}

/** A role option with Discord's resolved role, or undefined when absent; unresolved is an InputError. */
export function roleOption(input: CommandInput, name: string): ResolvedRole | undefined {
  if (!input.options.has(name)) return undefined;
  const role = input.roles.get(name);
  if (!role) throw new InputError(`option ${name} is not a resolved role`);
  return role;
}
