/**
 * Random and malformed interactions, generated (fast-check), through the real client and the
 * pipeline: every one is answered or ignored by design, nothing escapes the pipeline, and a
 * refused one never reaches the API.
 */
import fc from 'fast-check';
import { isAdmin, parsePermissions } from '../../src/core/access.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stringOption } from '../support/discord-standin.js';
import { ADMIN_ID, embedOf, isEphemeral, people } from '../support/people.js';
import { type InProcessRig, startInProcessRig } from '../support/rig.js';

let rig: InProcessRig;
let grantedRole: string;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  rig = await startInProcessRig({ guilds: 2 });
  const as = people(rig.discord, rig.guildIds[0]!);
  await rig.run({
    ...as.admin,
    command: 'apikey',
    subcommand: 'set',
    options: [stringOption('key', 'fuzz-key-0123456789')],
  });
  grantedRole = rig.discord.roleByName(rig.guildIds[0]!, 'Role 3').id;
  await rig.run({
    ...as.admin,
    command: 'access',
    subcommand: 'grant',
    options: [{ name: 'role', type: 8, value: grantedRole }],
  });
  process.on('unhandledRejection', onUnhandled);
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await rig?.close();
});

const snowflake = fc.bigInt({ min: 10n ** 16n, max: 10n ** 19n }).map(String);
const text = fc.oneof(
  fc.string(),
  fc.string({ minLength: 200, maxLength: 6000 }),
  fc.constantFrom('', ' ', '\u0000', 'null', '<@&1>', '@everyone'),
);
const optionValue = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), snowflake);
const option = fc.record({
  name: fc.oneof(
    { arbitrary: fc.constantFrom('key', 'role'), weight: 4 },
    { arbitrary: fc.string({ maxLength: 40 }), weight: 1 },
  ),
  type: fc.constantFrom(3, 4, 5, 6, 7, 8, 9, 10, 11),
  value: optionValue,
});
// Discord sends permissions as a decimal bitfield; ones that are not numbers at all are rejected by
// discord.js before any bot code runs (see the process-level test in lifecycle). Others Discord never
// sends, but discord.js reads as Administrator or Manage Server ("0x28", " 8", "Administrator", ["8"]):
// the bot must grant them nothing.
const permissions = fc.oneof(
  fc.constantFrom<unknown>(
    '0',
    '8',
    '32',
    '0008',
    '-8',
    '-40',
    '2251799813685247',
    '99999999999999999999999999999999999999999',
  ),
  fc.constantFrom<unknown>(
    '0x28',
    '0x8',
    '0b1000',
    ' 8',
    '8 ',
    ' 32',
    'Administrator',
    'ManageGuild',
    ['8'],
    ['32'],
    ['0x20'],
  ),
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map(String),
);

// Weighted towards names the bot knows, so that most cases get past the first checks.
const interaction = fc.record({
  command: fc.oneof(
    { arbitrary: fc.constantFrom('apikey', 'access', 'clearcache', 'audit'), weight: 5 },
    { arbitrary: fc.string({ minLength: 1, maxLength: 32 }), weight: 1 },
  ),
  subcommand: fc.option(
    fc.oneof(
      { arbitrary: fc.constantFrom('set', 'status', 'remove', 'grant', 'revoke', 'list'), weight: 5 },
      { arbitrary: fc.string({ maxLength: 32 }), weight: 1 },
    ),
    {
      nil: undefined,
      freq: 5,
    },
  ),
  options: fc.array(option, { maxLength: 4 }),
  who: fc.oneof(
    { arbitrary: fc.constant('admin' as const), weight: 4 },
    { arbitrary: fc.constantFrom('member', 'granted', 'odd-permissions', 'no-member', 'dm'), weight: 3 },
  ),
  permissions,
  withResolved: fc.boolean(),
  autocomplete: fc.boolean(),
});

const clears = () => rig.sd.requests.filter((r) => r.path === '/api/v5/clear_cache').length;

it('every generated interaction is answered or ignored by design; refused ones never reach the API', async () => {
  const guildId = rig.guildIds[0]!;
  const as = people(rig.discord, guildId);
  await fc.assert(
    fc.asyncProperty(interaction, async (input) => {
      const before = clears();
      const checksBefore = rig.sd.requests.length - before;
      const failuresBefore = rig.logs.filter((l) => l.msg === 'command failed').length;
      const base =
        input.who === 'dm'
          ? { dm: true, userId: ADMIN_ID }
          : input.who === 'granted'
            ? as.withRoles('300000000000000010', grantedRole)
            : input.who === 'member' || input.who === 'odd-permissions' || input.who === 'no-member'
              ? as.member
              : as.admin;
      const handle = rig.discord.sendInteraction({
        ...base,
        command: 'clearcache', // the stand-in needs a registered name; the payload gets the generated one
        timeoutMs: 4000,
        mutate: (payload) => {
          const raw = payload as unknown as Record<string, unknown> & {
            data: Record<string, unknown>;
            member?: Record<string, unknown>;
          };
          raw.data.name = input.command;
          const options = input.options.map((o) => ({ ...o }));
          raw.data.options = input.subcommand === undefined ? options : [{ name: input.subcommand, type: 1, options }];
          if (input.withResolved)
            raw.data.resolved = {
              roles: Object.fromEntries(
                input.options
                  .filter((o) => o.type === 8)
                  .map((o) => [
                    String(o.value),
                    {
                      id: String(o.value),
                      name: 'r',
                      managed: false,
                      permissions: '0',
                      position: 1,
                      color: 0,
                      hoist: false,
                      mentionable: false,
                      flags: 0,
                    },
                  ]),
              ),
            };
          if (input.who === 'odd-permissions' && raw.member) raw.member.permissions = input.permissions;
          if (input.who === 'no-member' && raw.member) {
            raw.user = raw.member.user;
            delete raw.member;
          }
          if (input.autocomplete) raw.type = 4;
        },
      });

      if (input.autocomplete) {
        // Not a command: ignored by design, nothing sent anywhere. The gateway delivers in order and the
        // bot takes each in turn: once an interaction sent after it is answered, this one has been seen.
        await rig.run({ ...as.admin, command: 'help' });
        expect(handle.allRequests()).toEqual([]);
      } else if (((await handle.callback).body as { type?: unknown }).type === 9) {
        // The key form: only for an admin's /apikey set without a key option, and it asks nothing of the API.
        const oddAdmin =
          input.who === 'odd-permissions' && isAdmin({ permissions: parsePermissions(input.permissions), roleIds: [] });
        expect(input.command === 'apikey' && input.subcommand === 'set' && (input.who === 'admin' || oddAdmin)).toBe(
          true,
        );
        expect(input.options.some((o) => o.name === 'key')).toBe(false);
        expect(rig.sd.requests.length).toBe(before + checksBefore);
      } else {
        const reply = await handle.reply();
        expect(reply.message.embeds.length).toBe(1);
        const oddAdmin =
          input.who === 'odd-permissions' && isAdmin({ permissions: parsePermissions(input.permissions), roleIds: [] });
        const authorizedClear =
          input.command === 'clearcache' && (input.who === 'admin' || input.who === 'granted' || oddAdmin);
        // Real admins are still admins: a parse that refused everyone would pass every check below.
        if (input.who === 'admin' && input.command === 'clearcache')
          expect(embedOf(reply).title).not.toBe('Not allowed');
        // Only an admin's /apikey set or status may ask the API about a key (wallet_balance).
        const authorizedSet =
          input.command === 'apikey' &&
          (input.subcommand === 'set' || input.subcommand === 'status') &&
          (input.who === 'admin' || oddAdmin);
        if (!authorizedSet) expect(rig.sd.requests.length - clears()).toBe(checksBefore);
        if (!authorizedClear) {
          expect(clears()).toBe(before);
          expect(isEphemeral(reply) || embedOf(reply).title === 'No API key set').toBe(true);
        }
      }
      expect(rig.logs.filter((l) => l.msg === 'command failed').length).toBe(failuresBefore);
      expect(unhandled).toEqual([]);
    }),
    { numRuns: 300, seed: 20261129 },
  );
}, 120_000);
