import { translate } from '../../src/i18n/index.js';
import { keyProblem } from '../../src/interactions/replies.js';
import { describe, expect, it } from 'vitest';
import { MIN_KEY_LENGTH, checkApiKey, maskKey } from '../../src/core/apikey.js';
import { isSecretShaped } from '../../src/logger.js';

// Made up, in the shape of a ModelsLab dashboard key: 60 letters and digits.
const REAL_SHAPED = 'T4kWq9ZpLm2NvR8sXc3HbJ6yUf1GdE5aKo7iPw0QzVn4MtB9rYs2LhC6xFe8';

describe('checkApiKey', () => {
  it.each([REAL_SHAPED, 'AbCdEf0123456789xyz', 'sk-live_0123456789abcdef', 'a'.repeat(32), 'k'.repeat(256)])(
    'accepts %s',
    (key) => {
      expect(checkApiKey(key)).toEqual({ ok: true, key });
    },
  );

  it.each([
    ['', /empty/],
    [null, /empty/],
    ['abc def-123456789', /spaces/],
    ['abc\tdef-123456789', /spaces/],
    ['abcdef-123456789\n', /spaces/],
    ['abc\u0000def-123456789', /invisible/],
    ['abc\u200bdef-123456789', /invisible/],
    ['x'.repeat(257), /257 characters/],
    ['{"level":30,', /letters and digits/],
    ['"Gx8kVQ2mZp4Lr7Tn0001"', /without quotes/],
    ['Gx8kVQ2mZp4Lr7Tn0001.', /letters and digits/],
    ['Gx8kVQ2mZp4Lr7Tnä001', /letters and digits/],
    ['Gx8kVQ2mZp4', /11 characters long.*at least 16/],
    ['123456789012345678', /only digits.*an id/],
    ['your_api_key_here', /placeholder/],
    ['ChatInputCommandInteraction', /placeholder/],
  ])('refuses %j with the reason', (input, reason) => {
    const result = checkApiKey(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(keyProblem(translate('en-US'), result)).toMatch(reason);
  });

  it(`a key it accepts is always one the log scrubber takes (${MIN_KEY_LENGTH}+ characters, not a number, not a word)`, () => {
    for (const key of [REAL_SHAPED, 'AbCdEf0123456789xyz', 'a'.repeat(32), '-'.repeat(15) + '1a'.repeat(8)]) {
      if (checkApiKey(key).ok) expect(isSecretShaped(key), key).toBe(true);
    }
  });
});

describe('maskKey', () => {
  it('shows at most the last 4 characters', () => {
    expect(maskKey('abcdefghijklmnop')).toBe('••••mnop');
    expect(maskKey('abcdefghij')).toBe('••••ij');
    expect(maskKey('abcdef')).toBe('••••');
  });
});
