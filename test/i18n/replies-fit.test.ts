/**
 * Every reply the bot gives, rendered at its longest in every language, fits Discord's embed limits
 * without replies.ts having to cut it: the longest ids Discord makes (20 digits), an API message at
 * the client's cap made only of characters the quote must escape, a network error at that cap, the
 * longest timestamps, a server with far more granted roles than Discord allows. A text cut by
 * replies.ts is exactly the limit long, so each text must stay under it, and every embed must pass
 * the Discord stand-in's message checks (6000 characters in all, too).
 */
import type { APIEmbed } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command as access } from '../../commands/access.js';
import { command as apikey, balanceLine, notSavedEmbed, refusedEmbed, savedEmbed } from '../../commands/apikey.js';
import { command as audit } from '../../commands/audit.js';
import { command as help } from '../../commands/help.js';
import type { KeyProblem } from '../../src/core/apikey.js';
import type { ClearAttempt } from '../../src/core/clearing.js';
import type { Unchecked } from '../../src/core/keys.js';
import type { AuditAction, GuildSettings } from '../../src/core/guilds.js';
import { type ClearOutcome, MAX_MESSAGE_CHARS, MAX_WAIT_S } from '../../src/core/sdapi.js';
import { LOCALIZED, type Translate, translate } from '../../src/i18n/index.js';
import type { Command, CommandContext } from '../../src/interactions/command.js';
import type { ResolvedRole } from '../../src/interactions/input.js';
import {
  EMBED_LIMITS,
  clearAttemptEmbed,
  embed,
  cooldown,
  damagedRecord,
  keyProblem,
  notAllowed,
  optionsNotUnderstood,
  serversOnly,
  storeUnavailable,
  unexpectedError,
  unknownCommand,
  unknownSubcommand,
  warning,
} from '../../src/interactions/replies.js';
import { type CommandWorld, openCommandWorld } from '../support/command-context.js';
import { validateMessageData } from '../support/discord-validation.js';
import { GUILD_ID, guildInput } from '../support/input.js';
import { type SdApiStandIn, startSdApiStandIn } from '../support/sdapi-standin.js';

/** The largest snowflake: 20 digits, so the longest user and role mentions. */
const ID = '18446744073709551615';
const ids = (n: number) => Array.from({ length: n }, (_, i) => (18_446_744_073_709_551_615n - BigInt(i)).toString());
/** Ten-digit Unix seconds (until the year 2286): the longest timestamps. */
const LATE = 9_999_999_999_000;
/** An API message at the client's cap, every character one the quote escapes: twice as long once quoted. */
const API_MESSAGE = `${'<'.repeat(MAX_MESSAGE_CHARS - 1)}…`;
const NETWORK_DETAIL = `${'x'.repeat(MAX_MESSAGE_CHARS - 1)}…`;
/** The longest command name Discord allows. */
const LONG_NAME = 'c'.repeat(32);
const OUTCOME_KINDS = [
  'ok',
  'invalid-key',
  'no-credits',
  'plan',
  'rate-limited',
  'processing',
  'api-error',
  'http-error',
  'timeout',
  'network',
  'no-key',
  'unreadable-key',
  'cooldown',
  'busy',
];
const KEY_PROBLEMS: KeyProblem[] = [
  { problem: 'empty' },
  { problem: 'whitespace' },
  { problem: 'quoted' },
  { problem: 'characters' },
  { problem: 'digits' },
  { problem: 'word' },
  { problem: 'too-long', length: 9_999_999, max: 256 },
  { problem: 'too-short', length: 15, min: 16 },
];

/** Every kind of API answer, each at its longest, named for the failure messages. */
function outcomes(): Array<[string, ClearOutcome]> {
  const message = API_MESSAGE;
  return [
    ['ok', { kind: 'ok', message }],
    ['invalid-key', { kind: 'invalid-key', message }],
    ['no-credits', { kind: 'no-credits', message }],
    ['plan', { kind: 'plan', message }],
    ['rate-limited (capped)', { kind: 'rate-limited', message, retryAfterS: MAX_WAIT_S, retryAfterCapped: true }],
    ['rate-limited (no wait given)', { kind: 'rate-limited', message, retryAfterS: undefined }],
    ['processing (eta)', { kind: 'processing', message, etaS: MAX_WAIT_S }],
    ['processing', { kind: 'processing', message, etaS: undefined }],
    ['api-error', { kind: 'api-error', status: 599, message }],
    ['http-error (message)', { kind: 'http-error', status: 599, answer: 'server-error', message }],
    ...(
      ['empty', 'html', 'undocumented-json', 'not-json', 'unreadable', 'too-deep', 'server-error', 'redirect'] as const
    ).map((answer): [string, ClearOutcome] => [`http-error (${answer})`, { kind: 'http-error', status: 599, answer }]),
    ['timeout', { kind: 'timeout', afterMs: 99_999_999 }],
    ['network', { kind: 'network', detail: NETWORK_DETAIL }],
  ];
}

/** Every reply that does not need a store: the pipeline's refusals and errors, and every /clearcache answer. */
function plainReplies(t: Translate): Array<[string, APIEmbed]> {
  const replies: Array<[string, APIEmbed]> = [
    ['refusal (admin)', notAllowed(t, LONG_NAME, 'admin')],
    ['refusal (operator)', notAllowed(t, LONG_NAME, 'operator')],
    // More granted roles than a server can have (250), as a list that still holds deleted ones could.
    ['refusal (operator, roles)', notAllowed(t, LONG_NAME, 'operator', ids(1000))],
    ['servers only', serversOnly(t, LONG_NAME)],
    ['unknown command', unknownCommand(t, LONG_NAME)],
    ['cooldown', cooldown(t, LONG_NAME, LATE)],
    ['options not understood', optionsNotUnderstood(t, LONG_NAME)],
    ['store unavailable', storeUnavailable(t)],
    ['unexpected error', unexpectedError(t)],
    ['damaged record', damagedRecord(t)],
    ['unknown subcommand (apikey)', unknownSubcommand(t, '/apikey set', '/apikey status', '/apikey remove')],
    ['unknown subcommand (access)', unknownSubcommand(t, '/access grant', '/access revoke', '/access list')],
    // /apikey set's refusal, as the command composes it: the problem, then that the old key is kept.
    ...KEY_PROBLEMS.map((p): [string, APIEmbed] => [
      `key refused (${p.problem})`,
      warning(t('key.refused.title'), `${keyProblem(t, p)} ${t('key.refused.kept')}`),
    ]),
  ];
  const attempts: Array<[string, ClearAttempt]> = [
    ['no-key', { kind: 'no-key' }],
    ['unreadable-key', { kind: 'unreadable-key', reason: 'other-key' }],
    ['cooldown', { kind: 'cooldown', until: LATE }],
    ['busy', { kind: 'busy' }],
    // Both notes at once: shared with another clear, and not written to the audit trail.
    ...outcomes().map(([label, outcome]): [string, ClearAttempt] => [
      label,
      { kind: 'done', result: { outcome, latencyMs: 99_999_999, attempts: 3 }, shared: true, recorded: false },
    ]),
  ];
  for (const [label, attempt] of attempts) replies.push([`/clearcache ${label}`, clearAttemptEmbed(t, attempt)]);
  // /apikey set's answers after the API's word, and the balance /apikey status shows, in a field.
  const mask = '••••zzzz';
  const previous = t('key.unreadable');
  const balance = { amount: -999_999_999_999.99, currency: 'USD' };
  const money = { kind: 'ok', balance } as const;
  replies.push(['/apikey set (checked)', savedEmbed(t, mask, previous, { kind: 'checked', balance })]);
  replies.push(['/apikey set (checked, no balance)', savedEmbed(t, mask, previous, { kind: 'checked' })]);
  const kept = ` ${t('key.refused.kept')}`;
  replies.push(['/apikey set (checked, not saved)', notSavedEmbed(t, { kind: 'checked', balance }, kept)]);
  replies.push(['/apikey set (refused)', refusedEmbed(t, API_MESSAGE, ` ${t('key.refused.kept')}`)]);
  const unchecked: Array<[string, Unchecked]> = [
    ['waiting', { kind: 'waiting', until: LATE }],
    ...outcomes()
      .filter(([, o]) => o.kind !== 'ok' && o.kind !== 'invalid-key')
      .map(([label, o]): [string, Unchecked] => [
        label,
        o.kind === 'rate-limited' ? { ...o, until: LATE } : (o as Unchecked),
      ]),
  ];
  for (const [label, why] of unchecked) {
    replies.push([`/apikey set (unchecked ${label})`, savedEmbed(t, mask, previous, { kind: 'unchecked', why })]);
    replies.push([`/apikey set (unchecked ${label}, not saved)`, notSavedEmbed(t, { kind: 'unchecked', why }, kept)]);
    replies.push([
      `/apikey status (balance ${label})`,
      embed('warning', t('key.balance'), 'x', [
        { name: t('key.balance'), value: balanceLine(t, { kind: 'unknown', why }) },
      ]),
    ]);
  }
  replies.push([
    '/apikey status (balance)',
    embed('warning', t('key.balance'), 'x', [{ name: t('key.balance'), value: balanceLine(t, money) }]),
  ]);
  replies.push([
    '/apikey status (balance refused)',
    embed('warning', t('key.balance'), 'x', [
      { name: t('key.balance'), value: balanceLine(t, { kind: 'refused', message: API_MESSAGE }) },
    ]),
  ]);
  return replies;
}

/** The longest audit trail /audit shows: ten events of one kind, or of every kind, each at its longest. */
function auditTrails(): Array<[string, GuildSettings]> {
  const event = (action: AuditAction, outcome: string) => ({
    at: LATE,
    userId: ID,
    action,
    ...(action.startsWith('role')
      ? { detail: ID }
      : action === 'clear'
        ? { detail: outcome, latencyMs: 99_999_999 }
        : {}),
  });
  const actions: AuditAction[] = ['key-set', 'key-remove', 'role-grant', 'role-revoke', 'clear'];
  const trails: Array<[string, GuildSettings]> = [];
  for (const action of actions) {
    for (const outcome of action === 'clear' ? OUTCOME_KINDS : ['']) {
      trails.push([
        `${action} ${outcome}`,
        { roles: [], audit: Array.from({ length: 10 }, () => event(action, outcome)) },
      ]);
    }
  }
  trails.push(['empty', { roles: [], audit: [] }]);
  return trails;
}

const LANGUAGES = ['en-US', ...LOCALIZED];
let sd: SdApiStandIn;
let world: CommandWorld;
const rendered = new Map<string, Array<[string, APIEmbed]>>();

/** Runs a command as the pipeline would, in a language, with settings as given. */
async function run(
  locale: string,
  cmd: Command,
  input: Parameters<typeof guildInput>[0],
  overrides: Partial<CommandContext> = {},
): Promise<APIEmbed[]> {
  const result = await world.run(cmd, guildInput({ ...input, locale }), { t: translate(locale), ...overrides });
  return result.embeds;
}

/** Every reply of /apikey, /access, /audit and /help, at its longest, in one language. */
async function commandReplies(locale: string): Promise<Array<[string, APIEmbed]>> {
  const out: Array<[string, APIEmbed]> = [];
  const add = (label: string, embeds: APIEmbed[]) => {
    for (const e of embeds) out.push([label, e]);
  };
  const unreadable: GuildSettings = {
    roles: [],
    audit: [],
    apiKey: { sealed: 'not-sealed-by-this-key', setBy: ID, setAt: LATE },
  };
  const guildId = `${GUILD_ID}${locale}`;

  // /apikey: a new key replacing one that cannot be opened (the longest "previous"); status with every last clear.
  add(
    '/apikey set (replaced)',
    await run(
      locale,
      apikey,
      { name: 'apikey', subcommand: 'set', options: { key: `k${'a1'.repeat(127)}z` }, guildId, userId: ID },
      { settings: unreadable },
    ),
  );
  for (const outcome of OUTCOME_KINDS) {
    const settings: GuildSettings = { ...unreadable, lastClear: { at: LATE, by: ID, outcome, latencyMs: 99_999_999 } };
    add(
      `/apikey status (${outcome})`,
      await run(locale, apikey, { name: 'apikey', subcommand: 'status', guildId }, { settings }),
    );
  }
  add(
    '/apikey status (never cleared)',
    await run(locale, apikey, { name: 'apikey', subcommand: 'status', guildId }, { settings: unreadable }),
  );
  add(
    '/apikey status (none)',
    await run(locale, apikey, { name: 'apikey', subcommand: 'status', guildId: `${guildId}-none` }),
  );
  add('/apikey remove', await run(locale, apikey, { name: 'apikey', subcommand: 'remove', guildId }));
  add('/apikey remove (none)', await run(locale, apikey, { name: 'apikey', subcommand: 'remove', guildId }));
  add('/apikey ??', await run(locale, apikey, { name: 'apikey', subcommand: 'rotate', guildId }));

  // /access: every answer to grant and revoke, with the longest role mention.
  const role = (r: Partial<ResolvedRole>) => ({ role: { id: ID, name: 'Role', managed: false, ...r } });
  const grant = (r: Partial<ResolvedRole> = {}) =>
    run(locale, access, { name: 'access', subcommand: 'grant', roles: role(r), guildId, userId: ID });
  const revoke = () =>
    run(locale, access, { name: 'access', subcommand: 'revoke', roles: role({}), guildId, userId: ID });
  add('/access grant', await grant());
  add('/access grant (already)', await grant());
  add('/access grant (@everyone)', await grant({ id: guildId }));
  add('/access grant (managed)', await grant({ managed: true }));
  add('/access grant (no role)', await run(locale, access, { name: 'access', subcommand: 'grant', guildId }));
  add('/access revoke', await revoke());
  add('/access revoke (not granted)', await revoke());
  add('/access ??', await run(locale, access, { name: 'access', subcommand: 'rename', guildId }));
  // /access list: more granted roles than a server can have, half since deleted; then Discord not answering.
  const many = ids(300);
  world.discord.roles = new Set(many.slice(0, 150));
  add(
    '/access list (cleaned)',
    await run(
      locale,
      access,
      { name: 'access', subcommand: 'list', guildId },
      { settings: { roles: many, audit: [] } },
    ),
  );
  const asked = world.discord.guildRoleIds;
  world.discord.guildRoleIds = async () => {
    throw new Error('Discord is down');
  };
  try {
    add(
      '/access list (unchecked)',
      await run(
        locale,
        access,
        { name: 'access', subcommand: 'list', guildId },
        { settings: { roles: many, audit: [] } },
      ),
    );
    add(
      '/access list (none)',
      await run(locale, access, { name: 'access', subcommand: 'list', guildId: `${guildId}-none` }),
    );
  } finally {
    world.discord.guildRoleIds = asked;
  }

  for (const [label, settings] of auditTrails())
    add(`/audit (${label})`, await run(locale, audit, { name: 'audit', guildId }, { settings }));

  // /help: an admin (the most lines) in each key state, a member of a granted role, a plain member.
  const withKey: GuildSettings = { ...unreadable, roles: [ID] };
  add('/help (admin, key set)', await run(locale, help, { name: 'help', guildId }, { settings: withKey }));
  add(
    '/help (admin, no key)',
    await run(locale, help, { name: 'help', guildId }, { settings: { roles: [], audit: [] } }),
  );
  add(
    '/help (admin, no store)',
    await run(locale, help, { name: 'help', guildId }, { settings: { roles: [], audit: [] }, storeUnavailable: true }),
  );
  add(
    '/help (granted role)',
    await run(locale, help, { name: 'help', guildId, admin: false, roleIds: [ID] }, { settings: withKey }),
  );
  add('/help (member)', await run(locale, help, { name: 'help', guildId, admin: false }, { settings: withKey }));
  return out;
}

beforeAll(async () => {
  sd = await startSdApiStandIn();
  world = await openCommandWorld(sd);
  for (const locale of LANGUAGES)
    rendered.set(locale, [...plainReplies(translate(locale)), ...(await commandReplies(locale))]);
}, 60_000);
afterAll(async () => {
  await world?.close();
  await sd?.close();
});

describe.each(LANGUAGES)('in %s', (locale) => {
  it('every reply, at its longest, fits Discord without being cut', () => {
    const replies = rendered.get(locale)!;
    expect(replies.length).toBeGreaterThan(90);
    for (const [label, embed] of replies) {
      const where = `${locale} ${label}`;
      expect(embed.title?.length ?? 0, `${where}: title`).toBeLessThan(EMBED_LIMITS.title);
      expect(embed.description?.length ?? 0, `${where}: description`).toBeLessThan(EMBED_LIMITS.description);
      for (const field of embed.fields ?? []) {
        expect(field.name.length, `${where}: field name`).toBeLessThan(EMBED_LIMITS.fieldName);
        expect(field.value.length, `${where}: field ${field.name}`).toBeLessThan(EMBED_LIMITS.fieldValue);
      }
      expect(validateMessageData({ embeds: [embed] }, true), where).toBeUndefined();
    }
  });

  it('is really in that language, and really at its longest', () => {
    const replies = new Map(rendered.get(locale)!);
    const t = translate(locale);
    expect(replies.get('/help (admin, key set)')!.title).toBe(t('help.title'));
    // The quoted API message is there whole, escaped, not cut.
    expect(replies.get('/clearcache api-error')!.description).toContain(`${'\\<'.repeat(MAX_MESSAGE_CHARS - 1)}…`);
    expect(replies.get('/access list (cleaned)')!.description!.match(/<@&\d{20}>/g)).toHaveLength(100);
    expect(replies.get('/audit (clear network)')!.description!.split('\n')).toHaveLength(10);
  });
});
