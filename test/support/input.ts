/**
 * Interactions as Discord sends them, for tests that drive the pipeline without any edge, and
 * plain command input for tests that run a command directly.
 *
 *   const raw = commandPayload({ command: 'apikey', subcommand: 'set', options: [{ name: 'key', type: 3, value: 'k' }], admin: true });
 *   const received = receive(raw, { transport: () => recorder, arrivedAt: performance.now() }, log);
 *   const input = guildInput({ name: 'access', subcommand: 'grant', roles: { role: { id: '5', name: 'Ops', managed: false } } });
 */
import { ADMINISTRATOR } from '../../src/core/access.js';
import type { GuildInput, ResolvedRole } from '../../src/interactions/input.js';

export const GUILD_ID = '100000000000000001';
export const APP_ID = '200000000000000001';
export const USER_ID = '300000000000000001';

let sequence = 0;
const nextId = () => String(400_000_000_000_000_000n + BigInt(++sequence));

export interface PayloadSpec {
  command: string;
  subcommand?: string;
  options?: Array<{ name: string; type: number; value: string | number | boolean }>;
  /** Role options' roles, resolved as Discord does. */
  resolvedRoles?: ResolvedRole[];
  guildId?: string | null;
  userId?: string;
  admin?: boolean;
  roles?: string[];
  locale?: string;
}

export function commandPayload(spec: PayloadSpec): Record<string, unknown> {
  const options = spec.options ?? [];
  const user = { id: spec.userId ?? USER_ID, username: 'someone', discriminator: '0', global_name: null, avatar: null };
  const guildId = spec.guildId === undefined ? GUILD_ID : spec.guildId;
  return {
    id: nextId(),
    token: `token-${nextId()}`,
    application_id: APP_ID,
    type: 2,
    version: 1,
    locale: spec.locale ?? 'en-US',
    data: {
      id: '500000000000000001',
      name: spec.command,
      type: 1,
      options: spec.subcommand ? [{ type: 1, name: spec.subcommand, options }] : options,
      ...(spec.resolvedRoles
        ? {
            resolved: {
              roles: Object.fromEntries(
                spec.resolvedRoles.map((r) => [
                  r.id,
                  { ...r, permissions: '0', position: 1, color: 0, hoist: false, mentionable: false, flags: 0 },
                ]),
              ),
            },
          }
        : {}),
    },
    ...(guildId === null
      ? { user }
      : {
          guild_id: guildId,
          member: {
            user,
            roles: spec.roles ?? [],
            permissions: spec.admin ? String(ADMINISTRATOR) : '0',
            joined_at: '2024-01-01T00:00:00.000Z',
            deaf: false,
            mute: false,
            flags: 0,
          },
        }),
  };
}

export function guildInput(spec: {
  name: string;
  subcommand?: string;
  options?: Record<string, string | number | boolean>;
  roles?: Record<string, ResolvedRole>;
  userId?: string;
  admin?: boolean;
  roleIds?: string[];
  guildId?: string;
  locale?: string;
}): GuildInput {
  const roles = new Map(Object.entries(spec.roles ?? {}));
  const options = new Map<string, string | number | boolean>(Object.entries(spec.options ?? {}));
  for (const [name, role] of roles) options.set(name, role.id);
  return {
    name: spec.name,
    subcommand: spec.subcommand,
    options,
    roles,
    guildId: spec.guildId ?? GUILD_ID,
    caller: {
      id: spec.userId ?? USER_ID,
      permissions: spec.admin === false ? 0n : ADMINISTRATOR,
      roleIds: spec.roleIds ?? [],
    },
    locale: spec.locale ?? 'en-US',
  };
}

/** A MODAL_SUBMIT (type 5) as Discord sends it, from the member `spec` describes: text inputs in action rows, or in labels. */
export function formPayload(
  spec: Omit<PayloadSpec, 'command' | 'subcommand' | 'options' | 'resolvedRoles'> & {
    customId: string;
    fields: Record<string, string>;
    labels?: boolean;
  },
): Record<string, unknown> {
  const base = commandPayload({ ...spec, command: 'unused' });
  const inputs = Object.entries(spec.fields).map(([customId, value]) => ({ type: 4, custom_id: customId, value }));
  const components = spec.labels
    ? inputs.map((component) => ({ type: 18, component }))
    : inputs.map((input) => ({ type: 1, components: [input] }));
  return { ...base, type: 5, data: { custom_id: spec.customId, components } };
}

/** A MESSAGE_COMPONENT (type 3): a button press. */
export function componentPayload(
  spec: Omit<PayloadSpec, 'command' | 'subcommand' | 'options' | 'resolvedRoles'> & { customId: string },
): Record<string, unknown> {
  return {
    ...commandPayload({ ...spec, command: 'unused' }),
    type: 3,
    data: { custom_id: spec.customId, component_type: 2 },
  };
}
