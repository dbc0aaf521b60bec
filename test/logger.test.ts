import { describe, expect, it } from 'vitest';
import { SecretSet, createLogger } from '../src/logger.js';

const TOKEN = 'MTAxMjM0NTY3ODkwMTIzNDU2.Gq1a2b.zYxWvUtSrQpOnMlKjIhGfEdCbA';
const KEY = 'sk_live_"quoted"\\back-0123456789';

function capture(format: 'json' | 'pretty') {
  const lines: string[] = [];
  const secrets = new SecretSet();
  secrets.add(TOKEN);
  secrets.add(KEY);
  const log = createLogger({ level: 'trace', format, secrets, destination: { write: (line: string) => void lines.push(line) } });
  return { log, lines };
}

describe('log redaction', () => {
  it.each(['json', 'pretty'] as const)('no %s line can carry the token or a key, whatever the path', (format) => {
    const { log, lines } = capture(format);
    const error = new Error(`request failed for key ${KEY} with token ${TOKEN}`, { cause: new Error(`inner ${TOKEN}`) });
    log.info(`message with ${KEY}`);
    log.info({ key: KEY, token: TOKEN, nested: { deeper: { anything: KEY } }, list: [TOKEN] }, 'fields');
    log.error({ err: error }, 'an error');
    log.error(error);
    log.warn({ request: { url: `https://x/api?key=${KEY}`, headers: { authorization: `Bot ${TOKEN}` }, body: JSON.stringify({ key: KEY }) } }, 'request dump');
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
    expect(secrets.scrub('x abcdef-short-0001.and-longer y abcdef-short-0001 z abcdef-short-000 tiny-key-1 abcdef-short-0001')).toBe(
      'x [redacted] y [redacted] z abcdef-short-000 tiny-key-1 [redacted]',
    );
    expect(secrets.scrub('nothing here')).toBe('nothing here');
  });

  it('replaces a secret only where it stands as a whole word', () => {
    const secrets = new SecretSet();
    secrets.add('Gx8kVQ2mZp4Lr7Tn');
    expect(secrets.scrub('key=Gx8kVQ2mZp4Lr7Tn&x (Gx8kVQ2mZp4Lr7Tn) "Gx8kVQ2mZp4Lr7Tn". /Gx8kVQ2mZp4Lr7Tn/')).toBe('key=[redacted]&x ([redacted]) "[redacted]". /[redacted]/');
    for (const inside of ['xGx8kVQ2mZp4Lr7Tn', 'Gx8kVQ2mZp4Lr7Tn9', '-Gx8kVQ2mZp4Lr7Tn', 'Gx8kVQ2mZp4Lr7Tn_b']) expect(secrets.scrub(inside)).toBe(inside);
  });
});

describe('SecretSet size and cost', () => {
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

  it('scrubbing costs about the same with one key or thousands sharing a prefix', () => {
    const line = JSON.stringify({ msg: Array.from({ length: 200 }, (_, i) => key(100_000 + i)).join(' ') });
    const cost = (secrets: SecretSet) => {
      const runs: number[] = [];
      for (let r = 0; r < 15; r++) {
        const started = performance.now();
        for (let n = 0; n < 5; n++) secrets.scrubLine(line);
        runs.push(performance.now() - started);
      }
      return runs.sort((a, b) => a - b)[7]!;
    };
    const one = new SecretSet();
    one.add(key(0));
    const many = new SecretSet();
    for (let i = 0; i < 5_000; i++) many.add(key(i));
    expect(cost(many)).toBeLessThan(cost(one) * 5 + 2);
  });
});

describe('a value a server controls cannot damage other lines', () => {
  // Such keys are refused by checkApiKey now, but one stored before, or any other registered value,
  // must still not reach the structure or the ids of other servers' lines.
  const HOSTILE = ['{"level":30,', '123456789012345678', '"msg":"interaction"', 'authorizing_integration_owners', ',"guildId":"', 'interaction', '30,"time"'];

  it.each(['json', 'pretty'] as const)('no registered value breaks a %s line, erases an id or a field name', (format) => {
    const { log, lines } = capture(format);
    const secrets = new SecretSet();
    for (const value of HOSTILE) secrets.add(value);
    const hostile = createLogger({ level: 'info', format, secrets, destination: { write: (line: string) => void lines.push(line) } });
    hostile.info({ guildId: '123456789012345678', userId: '223456789012345678', outcome: 'ok', ms: 12, authorizing_integration_owners: 1 }, 'interaction');
    log.info({ guildId: '123456789012345678' }, 'interaction');
    for (const line of lines) {
      expect(line).toContain('123456789012345678');
      expect(line).not.toContain('[redacted]');
    }
    if (format === 'json') {
      expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, guildId: '123456789012345678', userId: '223456789012345678', outcome: 'ok', ms: 12, authorizing_integration_owners: 1, msg: 'interaction' });
    }
  });

  it('a secret that appears as a field name or next to JSON punctuation leaves the line valid JSON', () => {
    const lines: string[] = [];
    const secrets = new SecretSet();
    const key = 'Gx8kVQ2mZp4Lr7Tn0001';
    secrets.add(key);
    const log = createLogger({ level: 'info', format: 'json', secrets, destination: { write: (line: string) => void lines.push(line) } });
    log.info({ [key]: key, list: [key, `${key}"`, `"${key}\\`], nested: { body: JSON.stringify({ key }) }, big: 2n ** 70n }, `msg ${key}`);
    const line = lines[0]!;
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(line).not.toContain(key);
    expect(parsed).toMatchObject({ '[redacted]': '[redacted]', list: ['[redacted]', '[redacted]"', '"[redacted]\\'], nested: { body: '{"key":"[redacted]"}' }, msg: 'msg [redacted]' });
    expect(line).toContain('"big":1180591620717411303424'); // untouched, byte for byte
  });
});
