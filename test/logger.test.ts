import { randomBytes } from 'node:crypto';
import { DiscordAPIError, HTTPError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { SecretSet, createLogger } from '../src/logger.js';

const TOKEN = 'MTAxMjM0NTY3ODkwMTIzNDU2.Gq1a2b.zYxWvUtSrQpOnMlKjIhGfEdCbA';
const KEY = 'sk_live_"quoted"\\back-0123456789';

function capture(format: 'json' | 'pretty') {
  const lines: string[] = [];
  const secrets = new SecretSet();
  secrets.add(TOKEN);
  secrets.add(KEY);
  const log = createLogger({
    level: 'trace',
    format,
    secrets,
    destination: { write: (line: string) => void lines.push(line) },
  });
  return { log, lines };
}

describe('log redaction', () => {
  it.each(['json', 'pretty'] as const)('no %s line can carry the token or a key, whatever the path', (format) => {
    const { log, lines } = capture(format);
    const error = new Error(`request failed for key ${KEY} with token ${TOKEN}`, {
      cause: new Error(`inner ${TOKEN}`),
    });
    log.info(`message with ${KEY}`);
    log.info({ key: KEY, token: TOKEN, nested: { deeper: { anything: KEY } }, list: [TOKEN] }, 'fields');
    log.error({ err: error }, 'an error');
    log.error(error);
    log.warn(
      {
        request: {
          url: `https://x/api?key=${KEY}`,
          headers: { authorization: `Bot ${TOKEN}` },
          body: JSON.stringify({ key: KEY }),
        },
      },
      'request dump',
    );
    log.debug({ config: { discordToken: TOKEN } }, 'config');
    log.info('%s and %o', KEY, { TOKEN });
    const output = lines.join('');
    expect(lines.length).toBeGreaterThanOrEqual(7);
    expect(output).not.toContain(TOKEN);
    expect(output).not.toContain(KEY);
    expect(output).not.toContain(JSON.stringify(KEY).slice(1, -1));
    expect(output).not.toContain('zYxWvUtSrQpOnMlKjIhGfEdCbA');
    expect(output).toContain('[redacted]');
    expect(output).toContain('request dump'); // lines still get through, only the secrets are gone
  });

  it('writes JSON lines in json format', () => {
    const { log, lines } = capture('json');
    log.info({ guildId: '1', outcome: 'ok', ms: 12 }, 'interaction');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, guildId: '1', outcome: 'ok', ms: 12, msg: 'interaction' });
  });
});

describe('SecretSet', () => {
  it('scrubs every occurrence, also of secrets sharing a prefix or one inside another', () => {
    const secrets = new SecretSet();
    secrets.add('abcdef-short-0001');
    secrets.add('abcdef-short-0001.and-longer');
    expect(secrets.add('tiny-key-1')).toBe(false); // too short to be a key: ignored rather than scrubbing ordinary words
    expect(
      secrets.scrub(
        'x abcdef-short-0001.and-longer y abcdef-short-0001 z abcdef-short-000 tiny-key-1 abcdef-short-0001',
      ),
    ).toBe('x [redacted] y [redacted] z abcdef-short-000 tiny-key-1 [redacted]');
    expect(secrets.scrub('nothing here')).toBe('nothing here');
  });

  it('replaces a secret only where it stands as a whole word', () => {
    const secrets = new SecretSet();
    secrets.add('Gx8kVQ2mZp4Lr7Tn');
    expect(secrets.scrub('key=Gx8kVQ2mZp4Lr7Tn&x (Gx8kVQ2mZp4Lr7Tn) "Gx8kVQ2mZp4Lr7Tn". /Gx8kVQ2mZp4Lr7Tn/')).toBe(
      'key=[redacted]&x ([redacted]) "[redacted]". /[redacted]/',
    );
    for (const inside of ['xGx8kVQ2mZp4Lr7Tn', 'Gx8kVQ2mZp4Lr7Tn9', '-Gx8kVQ2mZp4Lr7Tn', 'Gx8kVQ2mZp4Lr7Tn_b'])
      expect(secrets.scrub(inside)).toBe(inside);
  });
});

describe('SecretSet size', () => {
  const key = (i: number) => `sk-bench${String(i).padStart(6, '0')}abcdef0123456789`;

  it('holds at most its capacity of seen keys, dropping the least recently seen; pinned ones stay', () => {
    const secrets = new SecretSet(3);
    secrets.pin(TOKEN);
    for (const i of [1, 2, 3]) secrets.add(key(i));
    secrets.add(key(1)); // seen again: now the most recent
    secrets.add(key(4));
    secrets.add(key(5));
    expect(secrets.size).toBe(4);
    const line = [TOKEN, ...[1, 2, 3, 4, 5].map(key)].join(' ');
    expect(secrets.scrub(line)).toBe(`[redacted] [redacted] ${key(2)} ${key(3)} [redacted] [redacted]`);
    secrets.add(key(2)); // opened again before use: scrubbed again
    expect(secrets.scrub(key(2))).toBe('[redacted]');
  });
});

describe('a value a server controls cannot damage other lines', () => {
  // Such keys are refused by checkApiKey now, but one stored before, or any other registered value,
  // must still not reach the structure or the ids of other servers' lines.
  const HOSTILE = [
    '{"level":30,',
    '123456789012345678',
    '"msg":"interaction"',
    'authorizing_integration_owners',
    ',"guildId":"',
    'interaction',
    '30,"time"',
  ];

  it.each(['json', 'pretty'] as const)(
    'no registered value breaks a %s line, erases an id or a field name',
    (format) => {
      const { log, lines } = capture(format);
      const secrets = new SecretSet();
      for (const value of HOSTILE) secrets.add(value);
      const hostile = createLogger({
        level: 'info',
        format,
        secrets,
        destination: { write: (line: string) => void lines.push(line) },
      });
      hostile.info(
        {
          guildId: '123456789012345678',
          userId: '223456789012345678',
          outcome: 'ok',
          ms: 12,
          authorizing_integration_owners: 1,
        },
        'interaction',
      );
      log.info({ guildId: '123456789012345678' }, 'interaction');
      for (const line of lines) {
        expect(line).toContain('123456789012345678');
        expect(line).not.toContain('[redacted]');
      }
      if (format === 'json') {
        expect(JSON.parse(lines[0]!)).toMatchObject({
          level: 30,
          guildId: '123456789012345678',
          userId: '223456789012345678',
          outcome: 'ok',
          ms: 12,
          authorizing_integration_owners: 1,
          msg: 'interaction',
        });
      }
    },
  );

  it('a secret that appears as a field name or next to JSON punctuation leaves the line valid JSON', () => {
    const lines: string[] = [];
    const secrets = new SecretSet();
    const key = 'Gx8kVQ2mZp4Lr7Tn0001';
    secrets.add(key);
    const log = createLogger({
      level: 'info',
      format: 'json',
      secrets,
      destination: { write: (line: string) => void lines.push(line) },
    });
    log.info(
      { [key]: key, list: [key, `${key}"`, `"${key}\\`], nested: { body: JSON.stringify({ key }) }, big: 2n ** 70n },
      `msg ${key}`,
    );
    const line = lines[0]!;
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(line).not.toContain(key);
    expect(parsed).toMatchObject({
      '[redacted]': '[redacted]',
      list: ['[redacted]', '[redacted]"', '"[redacted]\\'],
      nested: { body: '{"key":"[redacted]"}' },
      msg: 'msg [redacted]',
    });
    expect(line).toContain('"big":1180591620717411303424'); // untouched, byte for byte
  });
});

describe('interaction and webhook tokens, and request bodies, in logged errors', () => {
  // Shaped like Discord's: "interaction:<id>:<random>" in base64url, a few hundred characters.
  const INTERACTION_TOKEN = `aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4O${randomBytes(150).toString('base64url')}`;
  const APP_ID = '123456789012345678';
  const REPLY_TEXT = 'the words of a private reply';
  const fragments = (token: string) => Array.from({ length: token.length - 11 }, (_, i) => token.slice(i, i + 12));

  function errors() {
    const callback = `https://discord.com/api/v10/interactions/987654321098765432/${INTERACTION_TOKEN}/callback?with_response=false`;
    const edit = `https://discord.com/api/v10/webhooks/${APP_ID}/${INTERACTION_TOKEN}/messages/@original`;
    const body = {
      body: { type: 4, data: { content: REPLY_TEXT, embeds: [{ description: REPLY_TEXT }] } },
      files: undefined,
    };
    const apiError = new DiscordAPIError(
      { code: 10062, message: 'Unknown interaction' },
      10062,
      404,
      'POST',
      callback,
      body,
    );
    const httpError = new HTTPError(503, 'Service Unavailable', 'PATCH', edit, body);
    const wrapped = new Error(`could not edit ${edit}`, { cause: apiError });
    return { apiError, httpError, wrapped, edit };
  }

  it.each(['json', 'pretty'] as const)(
    'a %s line keeps the method, status and the path with the token masked, and drops the bodies',
    (format) => {
      const { log, lines } = capture(format);
      const { apiError, httpError, wrapped, edit } = errors();
      log.error({ err: apiError, guildId: '1' }, 'command failed');
      log.error(httpError);
      log.error({ err: wrapped }, 'reply failed');
      log.warn({ route: edit, message: `PATCH ${edit} took too long` }, `retrying ${edit}`);
      log.error({ err: new AggregateError([apiError], 'several failed') }, 'aggregate');
      const output = lines.join('');
      expect(apiError.requestBody.json).toBeDefined(); // the error itself is left as it was
      expect(fragments(INTERACTION_TOKEN).filter((part) => output.includes(part))).toEqual([]);
      expect(output).not.toContain(REPLY_TEXT);
      expect(output).toContain('/interactions/987654321098765432/[redacted]/callback');
      expect(output).toContain(`/webhooks/${APP_ID}/[redacted]/messages/@original`);
      expect(output).toContain('Unknown interaction');
      if (format === 'json') {
        const first = JSON.parse(lines[0]!) as { err: Record<string, unknown> };
        expect(first.err).toMatchObject({
          type: 'DiscordAPIError',
          code: 10062,
          status: 404,
          method: 'POST',
          url: expect.stringContaining('/[redacted]/callback'),
        });
        expect(first.err).not.toHaveProperty('requestBody');
        expect(first.err).not.toHaveProperty('rawError');
        expect(JSON.parse(lines[1]!)).toMatchObject({ err: { type: 'HTTPError', status: 503, method: 'PATCH' } });
      }
    },
  );
});
