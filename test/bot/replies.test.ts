import { describe, expect, it } from 'vitest';
import { clearOutcomeEmbed } from '../../src/bot/replies.js';

const described = (outcome: Parameters<typeof clearOutcomeEmbed>[0]) => clearOutcomeEmbed(outcome, 10).toJSON();

describe('clear outcome words', () => {
  it('a redirect is named as one, and points the host at SD_API_BASE_URL', () => {
    const reply = described({ kind: 'http-error', status: 308, detail: 'a redirect to another address, which was not followed so that the key goes nowhere else' });
    expect(reply.title).toBe('The API redirected the request');
    expect(reply.description).toContain('HTTP 308');
    expect(reply.description).toContain('SD_API_BASE_URL');
    expect(reply.description).not.toContain("on the API's side");
  });
});
