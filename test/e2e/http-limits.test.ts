/**
 * The HTTP endpoint against a capable attacker, through the built bot in http mode: idle "signed-
 * looking" connections by the hundred (from one address and from several) do not keep a genuine
 * interaction from its answer, and the cuts are counted in /metrics and logged once; the documented
 * deadlines (10 s for the headers, 15 s for the whole request) hold to within about a second; a
 * replayed signed request is answered 409 and runs nothing; an unusable HTTP_HOST is named.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotProcess } from '../support/bot-process.js';
import { deliver } from '../support/discord-http.js';
import { stringOption } from '../support/discord-standin.js';
import { embedOf, people } from '../support/people.js';
import { type Rig, startRig } from '../support/rig.js';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig({ guilds: 2, mode: 'http' });
});
afterAll(() => rig?.close());

const url = (path: string) => rig.endpoint!.replace('/interactions', path);
async function metric(name: string, labels = ''): Promise<number> {
  const text = await (await fetch(url('/metrics'))).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
}

/** Connections that send headers signed-looking enough to pass the header check, announce 1 MiB, and send nothing more. */
function signedLooking(count: number, localAddress = '127.0.0.1'): Promise<Socket[]> {
  const { port } = new URL(rig.endpoint!);
  const headers = rig.discord.signer.headers('x');
  const head =
    `POST /interactions HTTP/1.1\r\nhost: bot\r\ncontent-type: application/json\r\ncontent-length: ${1024 * 1024}\r\n` +
    `x-signature-ed25519: ${headers['x-signature-ed25519']}\r\nx-signature-timestamp: ${headers['x-signature-timestamp']}\r\n\r\n`;
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect({ port: Number(port), host: '127.0.0.1', localAddress }, () => {
            socket.write(head);
            resolve(socket);
          });
          socket.once('error', reject);
          socket.on('error', () => undefined);
          socket.resume();
        }),
    ),
  );
}

describe('idle and slow clients', () => {
  it('hundreds of idle signed-looking connections, from one address and from several, leave room for a genuine interaction; the cuts are counted and logged once', async () => {
    const held: Socket[] = [];
    try {
      // More than one address may hold (256), and with the others more than the server takes in all (512).
      held.push(...(await signedLooking(300)));
      for (const address of ['127.0.0.2', '127.0.0.3', '127.0.0.4']) held.push(...(await signedLooking(200, address)));
      const as = people(rig.discord, rig.guildIds[0]!);
      const started = performance.now();
      const reply = await rig.run({ ...as.member, command: 'help' });
      expect(embedOf(reply).title).not.toBe('');
      expect(performance.now() - started).toBeLessThan(3000); // Discord's window for the answer

      expect(await metric('sdbot_http_shed_total', '{reason="address-connections"}')).toBeGreaterThan(0);
      expect(await metric('sdbot_http_shed_total', '{reason="connections"}')).toBeGreaterThan(0);
      expect(await metric('sdbot_http_connections')).toBeLessThanOrEqual(512);
      expect(await metric('sdbot_http_refused_total', '{reason="connections"}')).toBe(0);
      // Nothing genuine was refused: the bot still takes work.
      expect((await fetch(url('/readyz'))).status).toBe(200);
      await rig.bot.waitForLog((l) => l.level === 40 && /cut to keep/.test(l.msg), 5000, 'the warning');
      const warnings = rig.bot.logs().filter((l) => l.level === 40 && /cut to keep/.test(l.msg));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ addresses: expect.arrayContaining(['127.0.0.1']) });
    } finally {
      for (const socket of held) socket.destroy();
    }
  });

  it('an idle connection is cut at 10 s and a slow request at 15 s (within about a second), each with 408, and counted', async () => {
    const { port } = new URL(rig.endpoint!);
    const before = await metric('sdbot_http_shed_total', '{reason="timeout"}');
    const cutAfter = (socket: Socket, opened: number) =>
      new Promise<{ ms: number; answer: string }>((resolve) => {
        let answer = '';
        socket.on('data', (d: Buffer) => (answer += d.toString()));
        socket.once('close', () => resolve({ ms: performance.now() - opened, answer }));
      });
    const opened = performance.now();
    const idle = connect(Number(port), '127.0.0.1');
    const slow = connect(Number(port), '127.0.0.1');
    for (const socket of [idle, slow]) socket.on('error', () => undefined);
    const [idleCut, slowCut] = [cutAfter(idle, opened), cutAfter(slow, opened)];
    slow.write('POST /interactions HTTP/1.1\r\nhost: bot\r\ncontent-length: 1000\r\n');
    slow.write(
      `${Object.entries(rig.discord.signer.headers('x'))
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('')}\r\n`,
    );
    const drip = setInterval(() => slow.write('{'), 500);
    try {
      const [a, b] = await Promise.all([idleCut, slowCut]);
      expect(a.ms).toBeGreaterThanOrEqual(9_900);
      expect(a.ms).toBeLessThan(11_500);
      expect(a.answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(b.ms).toBeGreaterThanOrEqual(14_900);
      expect(b.ms).toBeLessThan(16_500);
      expect(b.answer).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      clearInterval(drip);
    }
    expect(await metric('sdbot_http_shed_total', '{reason="timeout"}')).toBe(before + 2);
  }, 30_000);
});

describe('replays', () => {
  it('a signed request sent again gets 409: nothing runs, nothing is sent to the API, it is logged and counted', async () => {
    const as = people(rig.discord, rig.guildIds[1]!);
    const key = `replay-key-${randomBytes(8).toString('hex')}`;
    await rig.run({ ...as.admin, command: 'apikey', subcommand: 'set', options: [stringOption('key', key)] });
    const handle = rig.discord.sendInteraction({ ...as.admin, command: 'clearcache' });
    expect(embedOf(await handle.reply()).title).toBe('Cache cleared');
    await rig.bot.waitForLog(
      (l) => l.msg === 'interaction' && l.command === 'clearcache',
      5000,
      "the clear's interaction line",
    );
    const calls = rig.sd.requests.length;
    const lines = rig.bot.logs().filter((l) => l.msg === 'interaction').length;

    // The very bytes Discord sent: Ed25519 signs deterministically, so these are the captured headers.
    const body = JSON.stringify(handle.payload);
    const again = await deliver(rig.endpoint!, body, rig.discord.signer.headers(body));
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ error: 'this interaction was already received' });
    const third = await deliver(rig.endpoint!, body, rig.discord.signer.headers(body));
    expect(third.status).toBe(409);
    expect(rig.sd.requests.length).toBe(calls);
    expect(rig.bot.logs().filter((l) => l.msg === 'interaction').length).toBe(lines);
    expect(await metric('sdbot_http_replays_total')).toBe(2);
    await rig.bot.waitForLog((l) => l.level === 40 && /received again/.test(l.msg), 5000, 'the replay warning');
    expect(rig.bot.logs().filter((l) => l.level === 40 && /received again/.test(l.msg))).toHaveLength(1);
  });
});

describe('HTTP_HOST', () => {
  it.each([
    ['192.0.2.1', 'HTTP_HOST 192.0.2.1 is not an address of this machine'],
    ['no-such-host.invalid', 'HTTP_HOST no-such-host.invalid is not an address and its name cannot be resolved'],
  ])('HTTP_HOST=%s stops the start with one line naming it', async (host, message) => {
    const bot = startBotProcess({ ...rig.env, HTTP_HOST: host }, rig.dir);
    expect(await bot.exited).toBe(1);
    expect(bot.output()).toContain(message);
    expect(bot.output()).not.toMatch(/Discord/);
  });

  it('an HTTP_PORT already taken stops the start with one line naming it', async () => {
    const { port } = new URL(rig.endpoint!);
    const bot = startBotProcess({ ...rig.env, HTTP_PORT: port }, rig.dir);
    expect(await bot.exited).toBe(1);
    expect(bot.output()).toContain(`HTTP_PORT ${port} on HTTP_HOST 127.0.0.1 is already in use by another process`);
  });
});
