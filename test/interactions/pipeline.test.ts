/**
 * The pipeline without any edge: interactions as Discord sends them, a transport that records
 * what would travel, commands made for the purpose, and the real store on a temp SQLite file.
 */
import { randomBytes } from 'node:crypto';
import { SlashCommandBuilder } from '@discordjs/builders';
import type { APIInteractionResponse } from 'discord-api-types/v10';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GuildRecords } from '../../src/core/guilds.js';
import { DamagedRecordError, StoreError } from '../../src/core/errors.js';
import { de } from '../../src/i18n/de.js';
import { ja } from '../../src/i18n/ja.js';
import type { Command } from '../../src/interactions/command.js';
import { stringOption } from '../../src/interactions/input.js';
import { receive } from '../../src/interactions/interaction.js';
import {
  type AnswerMessage,
  type Handled,
  type Pipeline,
  type Transport,
  createPipeline,
} from '../../src/interactions/pipeline.js';
import type { Logger } from '../../src/logger.js';
import { info } from '../../src/interactions/replies.js';
import { SecretSet } from '../../src/logger.js';
import { type Store, openStore } from '../../src/store/index.js';
import type { LogLine } from '../support/bot-process.js';
import { GUILD_ID, commandPayload } from '../support/input.js';
import { tempDir } from '../support/temp.js';
import { pipelineServices } from '../support/services.js';
import { settlesWithin } from '../support/wait.js';

const SECRET = `secret-${randomBytes(8).toString('hex')}`;
/** What every command's work waits for before it answers (an event the test controls): none by default. */
let hold: Promise<unknown> | undefined;
let failure: Error | undefined;

const make = (name: string, access: Command['access'], visibility: Command['visibility']): Command => ({
  data: new SlashCommandBuilder().setName(name).setDescription(name),
  access,
  visibility,
  async execute(input) {
    if (hold) await settlesWithin(hold, 10_000, 'event the command was held for');
    if (failure) throw failure;
    return { outcome: 'ok', embeds: [info(`Hello from /${name}`, `option: ${stringOption(input, 'text') ?? '-'}`)] };
  },
});
const commands = new Map<string, Command>([
  ['private', make('private', 'admin', 'ephemeral')],
  ['public', make('public', 'operator', 'public')],
  [
    'open',
    {
      ...make('open', 'everyone', 'ephemeral'),
      execute: async (_input, ctx) => ({
        outcome: 'ok',
        embeds: [info(ctx.t('help.title'), ctx.storeUnavailable ? 'no store' : `roles: ${ctx.settings.roles.length}`)],
      }),
    },
  ],
]);

interface Recorded {
  responses: APIInteractionResponse[];
  edits: AnswerMessage[];
  /** Settles at the first response (the reply itself, or a deferral). */
  responded: Promise<void>;
}
function recorder(budgetMs = 1500, respondError?: Error): Transport & Recorded {
  const responses: APIInteractionResponse[] = [];
  const edits: AnswerMessage[] = [];
  let first!: () => void;
  const responded = new Promise<void>((resolve) => (first = resolve));
  return {
    budgetMs,
    responses,
    edits,
    responded,
    async respond(response) {
      if (respondError) throw respondError;
      responses.push(response);
      first();
    },
    async edit(message) {
      edits.push(message);
    },
  };
}

let dir: ReturnType<typeof tempDir>;
let store: Store;
let guilds: GuildRecords;
let pipeline: Pipeline;
let log: Logger;
const logs: LogLine[] = [];

beforeAll(async () => {
  dir = tempDir();
  store = await openStore(`sqlite://${dir.path}/bot.sqlite`);
  const secrets = new SecretSet();
  secrets.add(SECRET);
  const services = pipelineServices(store, { logs, secrets });
  ({ guilds, log } = services);
  pipeline = createPipeline(commands, services);
  await guilds.grantRole(GUILD_ID, '600000000000000001', 'admin');
});
afterAll(async () => {
  await store.close();
  dir.remove();
});
beforeEach(() => {
  hold = undefined;
  failure = undefined;
});

/** As an edge does: parsed once, then handed to the pipeline; undefined for what is not a command. */
async function handle(raw: unknown, transport: Transport, arrivedAt = performance.now()): Promise<Handled | undefined> {
  const received = receive(raw, { transport: () => transport, arrivedAt }, log);
  return received.kind === 'command' ? pipeline.handle(received.interaction) : undefined;
}

const titleOf = (m: { embeds?: Array<{ title?: string }> } | undefined) => m?.embeds?.[0]?.title;

describe('one request when the answer is ready in time', () => {
  it('answers with the reply itself (type 4), private for a private command', async () => {
    const t = recorder();
    await handle(
      commandPayload({ command: 'private', admin: true, options: [{ name: 'text', type: 3, value: 'hi' }] }),
      t,
    );
    expect(t.responses).toHaveLength(1);
    expect(t.responses[0]).toMatchObject({ type: 4, data: { flags: 64, allowed_mentions: { parse: [] } } });
    expect(t.responses[0]!.type === 4 && t.responses[0]!.data?.embeds?.[0]?.description).toBe('option: hi');
    expect(t.edits).toEqual([]);
  });

  it('a public command answers without the ephemeral flag', async () => {
    const t = recorder();
    await handle(commandPayload({ command: 'public', admin: true }), t);
    expect(t.responses).toEqual([
      {
        type: 4,
        data: { embeds: [expect.objectContaining({ title: 'Hello from /public' })], allowed_mentions: { parse: [] } },
      },
    ]);
  });
});

describe('a deferral, then an edit, when the answer is slower than the budget', () => {
  it('defers privately for a private command and edits the answer in; nothing is answered twice', async () => {
    const t = recorder(50);
    hold = t.responded; // the answer comes only after the pipeline has given up waiting for it
    await handle(commandPayload({ command: 'private', admin: true }), t);
    expect(t.responses).toEqual([{ type: 5, data: { flags: 64 } }]);
    expect(t.edits).toHaveLength(1);
    expect(titleOf(t.edits[0])).toBe('Hello from /private');
  });

  it('defers publicly once access is settled for a public command', async () => {
    const t = recorder(50);
    hold = t.responded;
    await handle(commandPayload({ command: 'public', admin: true }), t);
    expect(t.responses).toEqual([{ type: 5, data: {} }]);
    expect(titleOf(t.edits[0])).toBe('Hello from /public');
  });

  it('defers privately while the store is slow, so that a refusal stays private', async () => {
    const realRead = store.read.bind(store);
    const t = recorder(50);
    // The store answers only after the pipeline has responded: a pipeline that waited for it would hang here.
    store.read = async (key) => {
      await settlesWithin(t.responded, 10_000, 'response while the store was held');
      return realRead(key);
    };
    try {
      await handle(commandPayload({ command: 'public' }), t);
      expect(t.responses).toEqual([{ type: 5, data: { flags: 64 } }]);
      expect(titleOf(t.edits[0])).toBe('Not allowed');
    } finally {
      store.read = realRead;
    }
  });

  it('a budget already spent on arrival defers at once', async () => {
    const t = recorder(1500);
    await handle(commandPayload({ command: 'private', admin: true }), t, performance.now() - 2000);
    expect(t.responses).toEqual([{ type: 5, data: { flags: 64 } }]);
    expect(t.edits).toHaveLength(1);
  });
});

describe('refusals are private and run nothing', () => {
  it.each([
    ['an unknown command', { command: 'gone', admin: true }, 'Unknown command'],
    ['a DM', { command: 'private', guildId: null }, 'Servers only'],
    ['an admin command from a member', { command: 'private' }, 'Not allowed'],
    [
      'an operator command from a member without a granted role',
      { command: 'public', roles: ['600000000000000009'] },
      'Not allowed',
    ],
  ])('%s', async (_label, spec, title) => {
    const t = recorder();
    await handle(commandPayload(spec), t);
    expect(t.responses).toHaveLength(1);
    expect(t.responses[0]).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(titleOf(t.responses[0]!.type === 4 ? t.responses[0]!.data : undefined)).toBe(title);
  });

  it('a granted role is read from the interaction itself: its holder runs the command', async () => {
    const t = recorder();
    await handle(commandPayload({ command: 'public', roles: ['600000000000000001'] }), t);
    expect(titleOf(t.responses[0]!.type === 4 ? t.responses[0]!.data : undefined)).toBe('Hello from /public');
  });

  it('permissions Discord never sends grant nothing', async () => {
    for (const permissions of ['0x28', '8.0', ' 8', '-8', 8, ['8'], null]) {
      const raw = commandPayload({ command: 'private' }) as { member: { permissions: unknown } };
      raw.member.permissions = permissions;
      const t = recorder();
      await handle(raw, t);
      expect(titleOf(t.responses[0]!.type === 4 ? t.responses[0]!.data : undefined), String(permissions)).toBe(
        'Not allowed',
      );
    }
  });
});

describe('a command open to everyone', () => {
  it('runs for any member, and still runs (told so) when the store cannot be read', async () => {
    let t = recorder();
    await handle(commandPayload({ command: 'open' }), t);
    expect(t.responses[0]!.type === 4 && t.responses[0]!.data?.embeds?.[0]?.description).toBe('roles: 1');
    const realRead = store.read.bind(store);
    store.read = async () => {
      throw new Error('SQLITE_IOERR');
    };
    try {
      t = recorder();
      await handle(commandPayload({ command: 'open' }), t);
      expect(t.responses[0]!.type === 4 && t.responses[0]!.data?.embeds?.[0]?.description).toBe('no store');
      t = recorder();
      await handle(commandPayload({ command: 'public', admin: true }), t);
      expect(titleOf(t.responses[0]!.type === 4 ? t.responses[0]!.data : undefined)).toBe('Storage unavailable');
    } finally {
      store.read = realRead;
    }
  });

  it("answers in the caller's language where we have it, else English", async () => {
    const titles: string[] = [];
    for (const locale of ['de', 'ja', 'en-GB', 'xx-YY']) {
      const t = recorder();
      await handle(commandPayload({ command: 'open', locale }), t);
      titles.push(String(t.responses[0]!.type === 4 && t.responses[0]!.data?.embeds?.[0]?.title));
    }
    expect(titles).toEqual([
      de['help.title'],
      ja['help.title'],
      'Stable Diffusion cache bot',
      'Stable Diffusion cache bot',
    ]);
    expect(new Set(titles).size).toBe(3);
  });
});

describe('errors are classified in one place', () => {
  it.each([
    ['the store', new StoreError('read', new Error('SQLITE_BUSY')), 'Storage unavailable', 'store unavailable'],
    [
      'a damaged record',
      new DamagedRecordError('guild:1', 'not JSON'),
      "This server's settings cannot be read",
      'damaged record',
    ],
    ['anything else', new Error(`kaboom with ${SECRET}`), 'Something went wrong', 'command failed'],
  ])('%s: a private error reply and one error line, with no secret', async (_label, error, title, msg) => {
    failure = error;
    const t = recorder();
    await handle(commandPayload({ command: 'public', admin: true }), t);
    expect(t.responses[0]).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(titleOf(t.responses[0]!.type === 4 ? t.responses[0]!.data : undefined)).toBe(title);
    expect(logs.findLast((l) => l.level === 50)).toMatchObject({ msg, command: 'public', guildId: GUILD_ID });
    expect(JSON.stringify(logs)).not.toContain(SECRET);
  });

  it('an option of the wrong kind is "options not understood", not a crash', async () => {
    const t = recorder();
    await handle(
      commandPayload({ command: 'private', admin: true, options: [{ name: 'text', type: 4, value: 7 }] }),
      t,
    );
    expect(titleOf(t.responses[0]!.type === 4 ? t.responses[0]!.data : undefined)).toBe('Options not understood');
  });

  it('an interaction that expired before the answer is logged as such; the next one works', async () => {
    const expired = Object.assign(new Error('Unknown interaction'), { code: 10062 });
    await handle(commandPayload({ command: 'private', admin: true }), recorder(1500, expired));
    expect(logs.findLast((l) => l.msg === 'interaction')).toMatchObject({
      command: 'private',
      ack: 'expired',
      outcome: 'ok',
    });
    const t = recorder();
    await handle(commandPayload({ command: 'private', admin: true }), t);
    expect(t.responses).toHaveLength(1);
  });

  it('a payload that is not an application command is ignored with a warning', async () => {
    const t = recorder();
    await handle({ type: 2, id: 'x' }, t);
    expect(t.responses).toEqual([]);
    expect(logs.findLast((l) => l.level === 40)).toMatchObject({ msg: 'interaction not understood; ignored' });
  });
});

it('logs one line per interaction: command, server, user, outcome, how it was acknowledged, latency', async () => {
  await handle(commandPayload({ command: 'private', admin: true, subcommand: undefined }), recorder());
  expect(logs.findLast((l) => l.msg === 'interaction')).toEqual({
    level: 30,
    time: expect.any(Number),
    msg: 'interaction',
    command: 'private',
    guildId: GUILD_ID,
    userId: expect.any(String),
    outcome: 'ok',
    ack: 'reply',
    ms: expect.any(Number),
  });
});

it('drain waits for the interactions in hand, up to its limit', async () => {
  let finish!: () => void;
  hold = new Promise<void>((resolve) => (finish = resolve));
  const t = recorder(50);
  void handle(commandPayload({ command: 'private', admin: true }), t);
  // The command cannot finish while held: only the limit can end this drain.
  await settlesWithin(pipeline.drain(30), 10_000, 'end of a 30 ms drain while an interaction is held');
  expect(t.edits).toHaveLength(0);
  await settlesWithin(t.responded, 10_000, 'deferral'); // past its budget: the answer will be an edit
  finish();
  // A limit far beyond the test's own: only the interaction's end can end this one.
  await settlesWithin(pipeline.drain(600_000), 10_000, 'end of the drain once the interaction finished');
  expect(t.edits).toHaveLength(1);
});

describe('the pipeline says what happened', () => {
  it('answered, deferred then edited, or failed (expired or not delivered), with the outcome', async () => {
    expect(await handle(commandPayload({ command: 'private', admin: true }), recorder())).toEqual({
      kind: 'answered',
      outcome: 'ok',
    });
    expect(await handle(commandPayload({ command: 'private' }), recorder())).toEqual({
      kind: 'answered',
      outcome: 'refused',
    });
    const slow = recorder(20);
    hold = slow.responded; // the answer comes only after the deferral
    expect(await handle(commandPayload({ command: 'public', admin: true }), slow)).toEqual({
      kind: 'deferred',
      outcome: 'ok',
    });
    hold = undefined;
    const expired = Object.assign(new Error('Unknown interaction'), { code: 10062 });
    expect(await handle(commandPayload({ command: 'private', admin: true }), recorder(1500, expired))).toEqual({
      kind: 'failed',
      outcome: 'ok',
      expired: true,
    });
    expect(
      await handle(commandPayload({ command: 'private', admin: true }), recorder(1500, new Error('socket hang up'))),
    ).toEqual({ kind: 'failed', outcome: 'ok', expired: false });
  });

  it('what is not a command is told apart at the edge, with the reason, and never reaches the pipeline', () => {
    const t = recorder();
    const received = receive(
      { type: 2, id: '1', token: 't', application_id: '2' },
      { transport: () => t, arrivedAt: performance.now() },
      log,
    );
    expect(received).toEqual({ kind: 'not-understood', reason: 'no command name' });
  });

  it('a deferral sent while the gates are still being passed is private, whatever the command', async () => {
    const realRead = store.read.bind(store);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    store.read = async (key) => {
      await held;
      return realRead(key);
    };
    try {
      const t = recorder(20);
      const done = handle(commandPayload({ command: 'public', admin: true }), t);
      await vi.waitFor(() => expect(t.responses).toHaveLength(1));
      release();
      expect(await done).toEqual({ kind: 'deferred', outcome: 'ok' });
      expect(t.responses).toEqual([{ type: 5, data: { flags: 64 } }]);
      expect(titleOf(t.edits[0])).toBe('Hello from /public');
    } finally {
      store.read = realRead;
    }
  });
});
