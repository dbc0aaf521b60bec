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
    secrets.add('abcdef-short');
    secrets.add('abcdef-short-and-longer');
    secrets.add('tiny'); // too short to be a key: ignored rather than scrubbing ordinary words
    expect(secrets.scrub('x abcdef-short-and-longer y abcdef-short z abcdef-shor tiny abcdef-short')).toBe(
      'x [redacted] y [redacted] z abcdef-shor tiny [redacted]',
    );
    expect(secrets.scrub('nothing here')).toBe('nothing here');
  });
});
