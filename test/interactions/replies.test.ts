import { describe, expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { MAX_LISTED_ROLES, clearOutcomeEmbed, notAllowed, quote } from '../../src/interactions/replies.js';

const t = translate('en-US');
const described = (outcome: Parameters<typeof clearOutcomeEmbed>[1]) => clearOutcomeEmbed(t, outcome, 10);

describe('clear outcome words', () => {
  it('a wait the API asked for past a day shows as a day, and says it was capped', () => {
    const now = 1_800_000_000_000;
    const reply = clearOutcomeEmbed(
      t,
      { kind: 'rate-limited', message: 'Rate limit exceeded', retryAfterS: 86_400, retryAfterCapped: true },
      10,
      now,
    );
    expect(reply.description).toContain(`<t:${now / 1000 + 86_400}:R>`);
    expect(reply.description).toMatch(/asked for a longer wait; the bot waits a day at most/);
    const plain = clearOutcomeEmbed(
      t,
      { kind: 'rate-limited', message: 'Rate limit exceeded', retryAfterS: 30 },
      10,
      now,
    );
    expect(plain.description).not.toMatch(/a day at most/);
  });

  it('a redirect is named as one, and points the host at SD_API_BASE_URL', () => {
    const reply = described({ kind: 'http-error', status: 308, answer: 'redirect' });
    expect(reply.title).toBe('The API redirected the request');
    expect(reply.description).toContain('HTTP 308');
    expect(reply.description).toContain('SD_API_BASE_URL');
    expect(reply.description).not.toContain("on the API's side");
  });
});

describe('role lists', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => String(600_000_000_000_000_000n + BigInt(i)));

  it('a refusal names every granted role up to the limit', () => {
    const reply = notAllowed(t, 'clearcache', 'operator', ids(MAX_LISTED_ROLES));
    expect(reply.description!.match(/<@&\d+>/g)).toHaveLength(MAX_LISTED_ROLES);
    expect(reply.description).not.toContain('more');
  });

  it('past the limit, names the first ones and counts the rest', () => {
    const reply = notAllowed(t, 'clearcache', 'operator', ids(MAX_LISTED_ROLES + 150));
    expect(reply.description!.match(/<@&\d+>/g)).toHaveLength(MAX_LISTED_ROLES);
    expect(reply.description).toContain(`<@&${ids(MAX_LISTED_ROLES).at(-1)}> (+150 more) can use`);
  });
});

describe("numbers in the caller's language", () => {
  it("writes quantities the language's way, and codes such as an HTTP status as they are", () => {
    const ok = { kind: 'ok', message: 'Cache cleared' } as const;
    expect(clearOutcomeEmbed(translate('en-US'), ok, 1234).footer?.text).toContain('1,234');
    expect(clearOutcomeEmbed(translate('de'), ok, 1234).footer?.text).toContain('1.234');
    expect(
      clearOutcomeEmbed(translate('de'), { kind: 'api-error', status: 4000, message: '' }, 5).description,
    ).toContain('4000');
  });
});

describe('quote', () => {
  it('leaves no masked link clickable', () => {
    const quoted = quote('Visit [free credits](https://evil.example/claim) now, or [here]( https://x.example )');
    expect(quoted).toBe(
      '> Visit \\[free credits\\]\\(https://evil.example/claim\\) now, or \\[here\\]\\( https://x.example \\)',
    );
    // No "[text](" remains with an unescaped bracket: Discord needs one to make a link.
    expect(quoted).not.toMatch(/(^|[^\\])\[[^\]]*(^|[^\\])\]\(/);
  });

  it('cannot open headers, angle-bracket links, mentions or timestamps', () => {
    expect(quote('# Big <https://evil.example> <@123> <t:1:R>')).toBe(
      '> \\# Big \\<https://evil.example\\> \\<@123\\> \\<t:1:R\\>',
    );
  });

  it('keeps plain words as they are, on one line', () => {
    expect(quote('Cache cleared')).toBe('> Cache cleared');
    expect(quote('Rate limit exceeded.\n\nMaximum 5 queued requests allowed.')).toBe(
      '> Rate limit exceeded. Maximum 5 queued requests allowed.',
    );
    expect(quote('*bold* _it_ `code` ~~s~~ ||spoiler|| > q')).toBe(
      '> \\*bold\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~ \\|\\|spoiler\\|\\| \\> q',
    );
  });
});
