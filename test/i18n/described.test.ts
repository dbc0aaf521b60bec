import { SlashCommandBuilder } from '@discordjs/builders';
import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.js';
import { CATALOGS, described } from '../../src/i18n/index.js';

describe('described(builder, key)', () => {
  it('sets the English description and one localization per catalog, on commands and their options alike', () => {
    const json = described(new SlashCommandBuilder().setName('apikey'), 'cmd.apikey')
      .addSubcommand((s) =>
        described(s.setName('set'), 'cmd.apikey.set').addStringOption((o) =>
          described(o.setName('key'), 'cmd.apikey.set.key'),
        ),
      )
      .toJSON();
    expect(json.description).toBe(en['cmd.apikey']);
    expect(json.description_localizations).toEqual(
      Object.fromEntries(Object.entries(CATALOGS).map(([locale, catalog]) => [locale, catalog['cmd.apikey']])),
    );
    const set = json.options?.[0] as {
      description: string;
      options?: Array<{ description: string; description_localizations?: Record<string, string> }>;
    };
    expect(set.description).toBe(en['cmd.apikey.set']);
    expect(set.options?.[0]?.description).toBe(en['cmd.apikey.set.key']);
    expect(set.options?.[0]?.description_localizations?.ja).toBe(CATALOGS.ja?.['cmd.apikey.set.key']);
  });
});
