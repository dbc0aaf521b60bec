/**
 * The bot as Discord's HTTP interactions endpoint: the built bot started from env alone with
 * INTERACTIONS_MODE=http, requests signed with an Ed25519 key pair as Discord signs them. Every
 * rule of the endpoint: the signature before anything else, 401/413/400, PING, commands answered
 * in the response or deferred and edited, no gateway, readiness, and a clean SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigner, deliver } from '../support/discord-http.js';
import { stringOption } from '../support/discord-standin.js';
import { embedOf, isEphemeral, people } from '../support/people.js';
import { type Rig, TOKEN, startRig } from '../support/rig.js';
import { databaseBytes } from '../support/temp.js';

let rig: Rig;
const KEY = `http-mode-key-${randomBytes(6).toString('hex')}`;

beforeAll(async () => {
  rig = await startRig({ guilds: 4, mode: 'http', env: { SD_API_TIMEOUT_MS: '4000' } });
});
afterAll(() => rig?.close());

const url = (path: string) => rig.endpoint!.replace('/interactions', path);
const ping = () =>
  JSON.stringify({ id: '1', application_id: rig.discord.applicationId, type: 1, token: 'x', version: 1 });
const signedPost = (body: string, headers = rig.discord.signer.headers(body)) => deliver(rig.endpoint!, body, headers);
const interactionLines = () => rig.bot.logs().filter((l) => l.msg === 'interaction').length;

describe('the endpoint as Discord checks it', () => {
  it('answers the PING with {"type":1} and refuses the bad signature with 401, as Discord requires to save the URL', async () => {
    const check = await rig.discord.checkEndpoint(rig.endpoint!);
    expect(check.ping.status).toBe(200);
    expect(check.ping.body).toEqual({ type: 1 });
    expect(check.badSignature.status).toBe(401);
  });

  it('opens no gateway connection', () => {
    expect(rig.discord.connections).toEqual([]);
    expect(rig.discord.identifies).toEqual([]);
    expect(rig.bot.logs().find((l) => l.msg === 'ready')).toMatchObject({ mode: 'http' });
  });

  it('/livez is 200, /readyz is 200 once ready, anything else 404', async () => {
    expect((await fetch(url('/livez'))).status).toBe(200);
    const ready = await fetch(url('/readyz'));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    expect((await fetch(url('/interactions'))).status).toBe(404); // GET
    expect((await fetch(url('/nope'), { method: 'POST', body: '{}' })).status).toBe(404);
  });
});

describe('every request is verified before its body is read', () => {
  const other = createSigner();
  const now = () => Math.floor(Date.now() / 1000);
  it.each([
    ['no signature headers', () => ({})],
    ['a malformed signature', () => ({ ...rig.discord.signer.headers(ping()), 'x-signature-ed25519': 'zz' })],
    ['a signature by another key', () => other.headers(ping())],
    ['a timestamp 6 minutes old', () => rig.discord.signer.headers(ping(), now() - 360)],
    ['a timestamp 6 minutes ahead', () => rig.discord.signer.headers(ping(), now() + 360)],
    ['a malformed timestamp', () => ({ ...rig.discord.signer.headers(ping()), 'x-signature-timestamp': 'soon' })],
  ])('%s gets 401 and nothing else happens', async (_label, headers) => {
    const before = { lines: interactionLines(), requests: rig.discord.requests.length, sd: rig.sd.requests.length };
    const answer = await signedPost(ping(), headers() as Record<string, string>);
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: 'invalid request signature' });
    // Discord never sends one: a stream of forged requests pays a connection each.
    expect(answer.headers.connection).toBe('close');
    expect({ lines: interactionLines(), requests: rig.discord.requests.length, sd: rig.sd.requests.length }).toEqual(
      before,
    );
  });

  it('a body changed after signing gets 401', async () => {
    const headers = rig.discord.signer.headers(ping());
    expect((await signedPost(ping().replace('"type":1', '"type":2'), headers)).status).toBe(401);
  });

  it('a body over 1 MiB gets 413 without being read', async () => {
    // Headers that announce 2 MiB, and no body at all: the answer comes without waiting for it.
    const answer = await new Promise<string>((resolve, reject) => {
      const { port } = new URL(rig.endpoint!);
      const socket = connect(Number(port), '127.0.0.1', () => {
        const headers = rig.discord.signer.headers('x');
        socket.write(
          `POST /interactions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${2 * 1024 * 1024}\r\n` +
            `x-signature-ed25519: ${headers['x-signature-ed25519']}\r\nx-signature-timestamp: ${headers['x-signature-timestamp']}\r\n\r\n`,
        );
      });
      let text = '';
      socket.on('data', (d) => {
        text += d.toString();
        if (text.includes('\r\n\r\n')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
      // A safety net only: the body never comes, so any answer at all came without it.
      setTimeout(() => reject(new Error('no answer within 10 s')), 10_000).unref();
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('a streamed body that grows past 1 MiB gets 413', async () => {
    const big = `{"type":1,"pad":"${'x'.repeat(1024 * 1024)}"}`;
    expect((await signedPost(big)).status).toBe(413);
  });

  it.each([
    ['a verified body that is not JSON', 'not json', 400],
    ['verified JSON that is not an interaction', '{"hello":"world"}', 400],
    [
      'a component interaction it cannot parse (no application id, no custom_id)',
      '{"type":3,"id":"1","token":"t"}',
      400,
    ],
    ['an autocomplete interaction', '{"type":4,"id":"1","token":"t"}', 400],
    ['a modal submission it cannot parse (no application id, no custom_id)', '{"type":5,"id":"1","token":"t"}', 400],
    [
      'a slash command the bot cannot parse (no command name)',
      '{"type":2,"id":"1","token":"t","application_id":"2"}',
      400,
    ],
  ])('%s gets %i', async (_label, body, status) => {
    const answer = await signedPost(body);
    expect(answer.status).toBe(status);
    expect(JSON.stringify(answer.body)).toMatch(/error/);
  });

  it('logs the kinds it does not handle', async () => {
    await rig.bot.waitForLog((l) => l.level === 40 && /autocomplete/.test(l.msg), 5000, 'the autocomplete warning');
  });

  it('logs why an interaction it could not parse was answered 400, once each, where it arrived', async () => {
    // The lines travel through the bot's standard output after the answers: wait for the last one sent.
    await rig.bot.waitForLog(
      (l) => l.msg === 'interaction not understood; ignored' && l.reason === 'no command name',
      5000,
      'the warning',
    );
    const lines = rig.bot.logs().filter((l) => l.msg === 'interaction not understood; ignored');
    // One each: the component, the modal submission and the slash command above, in the order sent.
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, reason: 'no custom_id' }),
      expect.objectContaining({ level: 40, reason: 'no custom_id' }),
      expect.objectContaining({ level: 40, reason: 'no command name' }),
    ]);
  });
});

describe('commands over HTTP', () => {
  it('answers in the HTTP response itself: type 4 with the reply, private where it should be, mentions that never ping', async () => {
    const as = people(rig.discord, rig.guildIds[0]!);
    const handle = rig.discord.sendInteraction({
      ...as.admin,
      command: 'apikey',
      subcommand: 'set',
      options: [stringOption('key', KEY)],
    });
    const reply = await handle.reply();
    expect(reply.kind).toBe('callback');
    expect(reply.request.body).toMatchObject({ type: 4, data: { flags: 64, allowed_mentions: { parse: [] } } });
    expect(embedOf(reply).title).toBe('API key checked and saved');
    expect(handle.allRequests()).toHaveLength(1);

    rig.sd.setMode('success');
    const clear = await rig.run({ ...as.mod, command: 'clearcache' });
    expect(embedOf(clear).title).toBe('Cache cleared');
    expect(isEphemeral(clear)).toBe(false);
    expect(rig.sd.requests.at(-1)?.json).toEqual({ key: KEY });
  });

  it.each([
    ['a member without a granted role', 'member', 'clearcache', 'Not allowed'],
    ['a member running an admin command', 'member', 'audit', 'Not allowed'],
    ['a command Discord still lists but the bot no longer has', 'admin', 'retired', 'Unknown command'],
  ] as const)('refuses %s privately, as in gateway mode', async (_label, who, command, title) => {
    const as = people(rig.discord, rig.guildIds[1]!);
    const handle = rig.discord.sendInteraction({
      ...as[who],
      command: command === 'retired' ? 'audit' : command,
      ...(command === 'retired'
        ? {
            mutate: (p: { data: { name: string } }) => {
              p.data.name = 'retired';
            },
          }
        : {}),
    });
    const reply = await handle.reply();
    expect(embedOf(reply).title).toBe(title);
    expect(isEphemeral(reply)).toBe(true);
  });

  it('a DM is refused politely', async () => {
    const reply = await rig.run({ dm: true, userId: '300000000000000009', command: 'clearcache' });
    expect(embedOf(reply).title).toBe('Servers only');
  });

  it('with a hanging API: deferred within 3 s in the response, the answer PATCHed to the original message', async () => {
    const as = people(rig.discord, rig.guildIds[2]!);
    await rig.run({ ...as.admin, command: 'apikey', subcommand: 'set', options: [stringOption('key', `${KEY}-2`)] });
    rig.sd.setMode('hang');
    try {
      const handle = rig.discord.sendInteraction({ ...as.admin, command: 'clearcache' });
      const callback = await handle.callback;
      expect(callback.body).toEqual({ type: 5, data: {} });
      expect(callback.at - handle.sentAt).toBeLessThan(3000);
      const reply = await handle.reply(10_000);
      expect(reply.kind).toBe('edit');
      expect(reply.request.method).toBe('PATCH');
      expect(reply.request.route).toBe(`/webhooks/${rig.discord.applicationId}/${handle.token}/messages/@original`);
      expect(embedOf(reply).title).toBe('The API did not answer in time');
    } finally {
      rig.sd.setMode('success');
    }
  });

  it('many requests at once, and slow clients trickling bodies, do not stall each other', async () => {
    const { port } = new URL(rig.endpoint!);
    // Ten clients that send their body a byte at a time, and never finish within this test.
    const slow = Array.from({ length: 10 }, () => {
      const socket = connect(Number(port), '127.0.0.1');
      socket.on('error', () => undefined);
      socket.resume(); // read whatever the server sends, so that its closing the connection is seen
      socket.write(
        `POST /interactions HTTP/1.1\r\nhost: x\r\ncontent-length: 500\r\n${Object.entries(
          rig.discord.signer.headers('x'),
        )
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('')}\r\n`,
      );
      const drip = setInterval(() => socket.write('{'), 50);
      return { socket, drip };
    });
    try {
      const as = people(rig.discord, rig.guildIds[3]!);
      const replies = await Promise.all(Array.from({ length: 30 }, () => rig.run({ ...as.admin, command: 'audit' })));
      expect(replies.every((r) => embedOf(r).title.startsWith('Audit trail'))).toBe(true);
      // Answered while every slow client is still connected and dripping, not after they were cut.
      expect(slow.filter(({ socket }) => socket.destroyed || socket.readableEnded)).toHaveLength(0);
      const pings = await Promise.all(Array.from({ length: 20 }, () => signedPost(ping())));
      expect(pings.every((p) => p.status === 200)).toBe(true);
    } finally {
      for (const { socket, drip } of slow) {
        clearInterval(drip);
        socket.destroy();
      }
    }
  });

  it('no key or token in any response or log line', async () => {
    const seen = [rig.bot.output(), ...rig.discord.deliveries.map((d) => JSON.stringify(d.body))].join('\n');
    expect(seen).not.toContain(KEY);
    expect(seen).not.toContain(TOKEN);
    expect(await databaseBytes(rig.dbFile)).not.toContain(KEY);
  });
});

describe('stopping', () => {
  it('SIGTERM: /readyz answers 503 at once, the request in hand finishes, the store closes, exit 0 within 10 s', async () => {
    const as = people(rig.discord, rig.guildIds[2]!);
    rig.sd.setMode('hang');
    const handle = rig.discord.sendInteraction({ ...as.admin, command: 'clearcache' });
    await handle.callback;
    const started = performance.now();
    rig.bot.child.kill('SIGTERM');
    await rig.bot.waitForLog((l) => l.msg === 'shutting down', 10_000, 'the shutting down line');
    const readiness = await fetch(url('/readyz'));
    expect(readiness.status).toBe(503);
    const late = await signedPost(JSON.stringify({ ...handle.payload, id: '1', token: 'late' }));
    expect(late.status).toBe(503);
    expect(await rig.bot.exited).toBe(0);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(embedOf(await handle.reply()).title).toBe('The API did not answer in time');
    expect(rig.bot.logs().some((l) => l.msg === 'stopped')).toBe(true);
    rig.sd.setMode('success');
  });

  it('a DISCORD_PUBLIC_KEY of another application stops the start, naming it', async () => {
    const { startBotProcess } = await import('../support/bot-process.js');
    const wrong = startBotProcess({ ...rig.env, DISCORD_PUBLIC_KEY: createSigner().publicKeyHex }, rig.dir);
    expect(await wrong.exited).toBe(1);
    expect(wrong.output()).toContain('DISCORD_PUBLIC_KEY is not the public key of the application');
  });
});
