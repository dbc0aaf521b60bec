/**
 * Forms and components, from the payload to the answer, without any edge: parsing a MODAL_SUBMIT
 * and a MESSAGE_COMPONENT once (custom_id, text inputs; the key kept secret as soon as parsed),
 * and the pipeline's road for them: a form opened as the first response before any store read, a
 * submitted form through the same gates as its command, anything else refused privately.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { SlashCommandBuilder } from '@discordjs/builders';
import type { APIInteractionResponse } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command as apikey } from '../../commands/apikey.js';
import type { GuildRecords } from '../../src/core/guilds.js';
import { CATALOGS, translate } from '../../src/i18n/index.js';
import type { Command } from '../../src/interactions/command.js';
import { parseInteraction } from '../../src/interactions/input.js';
import { receive } from '../../src/interactions/interaction.js';
import { type AnswerMessage, type Pipeline, type Transport, createPipeline } from '../../src/interactions/pipeline.js';
import { info } from '../../src/interactions/replies.js';
import { SecretSet, createLogger } from '../../src/logger.js';
import { type Store, openStore } from '../../src/store/index.js';
import type { LogLine } from '../support/bot-process.js';
import { validateModalData } from '../support/discord-validation.js';
import { GUILD_ID, commandPayload, componentPayload, formPayload } from '../support/input.js';
import { tempDir } from '../support/temp.js';
import { pipelineServices } from '../support/services.js';

const KEY = `form-${randomBytes(12).toString('hex')}-KEY1`;

describe('parsing', () => {
  it('a submitted form: its custom_id and text inputs by custom_id, from action rows and from labels', () => {
    for (const labels of [false, true]) {
      const parsed = parseInteraction(
        formPayload({ customId: 'apikey:set', fields: { key: KEY, other: 'x' }, admin: true, labels, locale: 'de' }),
      );
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) return;
      expect(parsed.input).toMatchObject({
        name: '',
        subcommand: undefined,
        guildId: GUILD_ID,
        locale: 'de',
        caller: { permissions: 8n },
      });
      expect(parsed.input.component).toEqual({
        kind: 'form',
        customId: 'apikey:set',
        fields: new Map([
          ['key', KEY],
          ['other', 'x'],
        ]),
      });
      expect(parsed.input.options.size).toBe(0);
    }
  });

  it('a component: its custom_id, no fields', () => {
    const parsed = parseInteraction(componentPayload({ customId: 'some-button' }));
    expect(parsed.ok && parsed.input.component).toEqual({
      kind: 'component',
      customId: 'some-button',
      fields: new Map(),
    });
  });

  it.each([
    ['no custom_id', { custom_id: undefined }, 'no custom_id'],
    ['a custom_id over 100 characters', { custom_id: 'x'.repeat(101) }, 'no custom_id'],
  ])('a form with %s is not understood', (_label, data, reason) => {
    const raw = formPayload({ customId: 'apikey:set', fields: {} });
    expect(parseInteraction({ ...raw, data: { ...(raw.data as object), ...data } })).toEqual({ ok: false, reason });
  });

  it('skips inputs that are not text inputs with a string value', () => {
    const raw = formPayload({ customId: 'f', fields: {} });
    raw.data = {
      custom_id: 'f',
      components: [
        {
          type: 1,
          components: [
            { type: 4, custom_id: 'a', value: 5 },
            { type: 3, custom_id: 'b', values: ['x'] },
            { type: 4, custom_id: 'c', value: 'ok' },
          ],
        },
        'junk',
        { type: 18 },
      ],
    };
    const parsed = parseInteraction(raw);
    expect(parsed.ok && [...parsed.input.component!.fields]).toEqual([['c', 'ok']]);
  });

  it('a form without a member is parsed as outside a server, with no permissions', () => {
    const parsed = parseInteraction(formPayload({ customId: 'apikey:set', fields: { key: KEY }, guildId: null }));
    expect(parsed.ok && parsed.input).toMatchObject({ guildId: undefined, caller: { permissions: 0n } });
  });

  it('every value typed into a form is handed to keepSecret as soon as it is parsed', () => {
    const kept: string[] = [];
    const lines: string[] = [];
    const log = createLogger({
      level: 'info',
      format: 'json',
      secrets: new SecretSet(),
      destination: { write: (l: string) => void lines.push(l) },
    });
    const received = receive(
      formPayload({ customId: 'apikey:set', fields: { key: KEY } }),
      { transport: () => recorder(), arrivedAt: 0, keepSecret: (v) => kept.push(v) },
      log,
    );
    expect(received.kind).toBe('command');
    expect(kept).toEqual([KEY]);
  });
});

interface Recorded {
  responses: APIInteractionResponse[];
  edits: AnswerMessage[];
}
function recorder(budgetMs = 1500): Transport & Recorded {
  const responses: APIInteractionResponse[] = [];
  const edits: AnswerMessage[] = [];
  return {
    budgetMs,
    responses,
    edits,
    async respond(response) {
      responses.push(response as APIInteractionResponse);
    },
    async edit(message) {
      edits.push(message);
    },
  };
}

describe('the pipeline', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  let pipeline: Pipeline;
  let stalled: Pipeline;
  const logs: LogLine[] = [];
  const secrets = new SecretSet();
  const submitted: string[] = [];
  const echo: Command = {
    data: new SlashCommandBuilder().setName('echo').setDescription('echo'),
    access: 'admin',
    visibility: 'ephemeral',
    modal: (input) =>
      input.options.has('text') ? undefined : { custom_id: 'echo:form', title: 'Echo', components: [] },
    forms: {
      'echo:form': async (input, ctx) => {
        submitted.push(input.component.fields.get('text') ?? '');
        return { outcome: 'ok', embeds: [info('Echoed', `roles: ${ctx.settings.roles.length}`)] };
      },
    },
    execute: async () => ({ outcome: 'ok', embeds: [info('Ran', 'ran')] }),
  };
  const commands = new Map<string, Command>([
    ['echo', echo],
    ['apikey', apikey],
  ]);

  beforeAll(async () => {
    dir = tempDir();
    store = await openStore(`sqlite://${dir.path}/bot.sqlite`);
    const services = pipelineServices(store, { logs, secrets });
    pipeline = createPipeline(commands, services);
    // A store that never answers: whatever needs it cannot answer in time.
    const stuck = Object.create(services.guilds) as GuildRecords;
    stuck.settings = () => new Promise(() => undefined);
    stalled = createPipeline(commands, { ...services, guilds: stuck });
  });
  afterAll(async () => {
    await store.close();
    dir.remove();
  });

  const handle = async (on: Pipeline, raw: unknown, transport: Transport, arrivedAt = performance.now()) => {
    const received = receive(
      raw,
      { transport: () => transport, arrivedAt, keepSecret: (v) => void secrets.add(v) },
      createLogger({
        level: 'info',
        format: 'json',
        secrets,
        destination: { write: (l: string) => void logs.push(JSON.parse(l) as LogLine) },
      }),
    );
    if (received.kind !== 'command') throw new Error(`not received: ${received.reason}`);
    return on.handle(received.interaction);
  };

  it("opens a command's form as the first response, without reading the store (which never answers here)", async () => {
    const t = recorder(200);
    expect(await handle(stalled, commandPayload({ command: 'echo', admin: true }), t)).toEqual({
      kind: 'answered',
      outcome: 'form-opened',
    });
    expect(t.responses).toEqual([{ type: 9, data: { custom_id: 'echo:form', title: 'Echo', components: [] } }]);
    expect(t.edits).toEqual([]);
    expect(logs.findLast((l) => l.msg === 'interaction')).toMatchObject({
      command: 'echo',
      outcome: 'form-opened',
      ack: 'reply',
    });
  });

  it('opens the form, never a deferral, even for an interaction that arrived past its budget', async () => {
    const t = recorder(200);
    await handle(stalled, commandPayload({ command: 'echo', admin: true }), t, performance.now() - 1000);
    expect(t.responses).toEqual([{ type: 9, data: expect.objectContaining({ custom_id: 'echo:form' }) }]);
  });

  it('refuses the form to a member who is not an admin, privately', async () => {
    const t = recorder();
    await handle(pipeline, commandPayload({ command: 'echo' }), t);
    expect(t.responses).toEqual([
      {
        type: 4,
        data: expect.objectContaining({ flags: 64, embeds: [expect.objectContaining({ title: 'Not allowed' })] }),
      },
    ]);
  });

  it("runs a submitted form through the command's gates, with the store read, privately", async () => {
    const t = recorder();
    expect(
      await handle(pipeline, formPayload({ customId: 'echo:form', fields: { text: 'hello' }, admin: true }), t),
    ).toEqual({ kind: 'answered', outcome: 'ok' });
    expect(submitted.at(-1)).toBe('hello');
    expect(t.responses).toEqual([
      {
        type: 4,
        data: expect.objectContaining({
          flags: 64,
          embeds: [expect.objectContaining({ title: 'Echoed', description: 'roles: 0' })],
        }),
      },
    ]);
    expect(logs.findLast((l) => l.msg === 'interaction')).toMatchObject({ command: 'echo', form: true, outcome: 'ok' });
  });

  it('refuses a submitted form from a member who is no longer an admin, running nothing', async () => {
    const before = submitted.length;
    const t = recorder();
    expect(await handle(pipeline, formPayload({ customId: 'echo:form', fields: { text: 'late' } }), t)).toEqual({
      kind: 'answered',
      outcome: 'refused',
    });
    expect(submitted).toHaveLength(before);
    expect(t.responses).toEqual([{ type: 4, data: expect.objectContaining({ flags: 64 }) }]);
  });

  it.each([
    ['a form no command declares', formPayload({ customId: 'echo:other', fields: { text: 'x' }, admin: true })],
    ['a form whose custom_id names a command', formPayload({ customId: 'echo', fields: { text: 'x' }, admin: true })],
    ['an inherited property as custom_id', formPayload({ customId: 'constructor', fields: {}, admin: true })],
    ['a component', componentPayload({ customId: 'echo:form', admin: true })],
  ])('answers %s privately that it is not understood, running nothing', async (_label, raw) => {
    const before = submitted.length;
    const t = recorder();
    expect(await handle(pipeline, raw, t)).toEqual({ kind: 'answered', outcome: 'not-understood' });
    expect(submitted).toHaveLength(before);
    expect(t.responses).toEqual([
      {
        type: 4,
        data: expect.objectContaining({ flags: 64, embeds: [expect.objectContaining({ title: 'Not understood' })] }),
      },
    ]);
    const line = logs.findLast((l) => l.msg === 'interaction')!;
    expect(line).toMatchObject({ outcome: 'not-understood' });
    // The custom_id is the sender's: it names nothing in the log.
    expect(JSON.stringify(line)).not.toContain('echo:other');
  });

  it("the key typed into /apikey set's form never reaches a log line, even when the command fails", async () => {
    const t = recorder();
    await handle(pipeline, formPayload({ customId: 'apikey:set', fields: { key: KEY }, admin: true }), t);
    expect(t.responses).toHaveLength(1);
    expect(JSON.stringify(t.responses)).not.toContain(KEY);
    expect(secrets.scrub(`a line with ${KEY} in it`)).not.toContain(KEY);
    expect(JSON.stringify(logs)).not.toContain(KEY);
  });
});

describe("/apikey set's form", () => {
  it('is opened only without the key option, and fits Discord in every language (title and label 45 characters)', () => {
    const input = (options: Record<string, string>) => ({
      name: 'apikey',
      subcommand: 'set',
      options: new Map(Object.entries(options)),
      roles: new Map(),
      guildId: GUILD_ID,
      caller: { id: '1', permissions: 8n, roleIds: [] },
      locale: 'en-US',
    });
    expect(apikey.modal!(input({ key: KEY }), translate('en-US'))).toBeUndefined();
    for (const locale of ['en-US', ...Object.keys(CATALOGS)]) {
      const form = apikey.modal!(input({}), translate(locale))!;
      expect(validateModalData(form), locale).toBeUndefined();
      expect(form).toMatchObject({
        custom_id: 'apikey:set',
        components: [
          {
            type: 1,
            components: [{ type: 4, custom_id: 'key', style: 1, min_length: 16, max_length: 256, required: true }],
          },
        ],
      });
    }
  });
});
