/**
 * The catalogs against the English source, at run time: every string there and translated (the
 * compiler already checks the keys), the same placeholders, `code` spans, slash commands, links and
 * product names as in English, and every command description within Discord's 100 characters in
 * every language, as registered.
 */
import type { APIApplicationCommandOption } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { CATALOGS, type Catalog, LOCALIZED, type MessageKey, placeholdersOf, translate } from '../../src/i18n/index.js';
import { en } from '../../src/i18n/en.js';
import { loadCommands, registrationPayload } from '../../src/interactions/command.js';
import { validateCommands } from '../support/discord-validation.js';

const KEYS = Object.keys(en) as MessageKey[];
/** One entry per language (es-ES and es-419 share one catalog). */
const LANGUAGES = Object.entries({
  de: CATALOGS.de!,
  fr: CATALOGS.fr!,
  es: CATALOGS['es-ES']!,
  'pt-BR': CATALOGS['pt-BR']!,
  ja: CATALOGS.ja!,
});

/**
 * The strings a language may keep as in English, because there they are the same word. Anything
 * else identical to English is an untranslated copy.
 */
const SAME_AS_ENGLISH: Record<string, MessageKey[]> = { de: ['help.links'], 'pt-BR': ['help.links'] };

/** Kept as they are in every language: wherever English has one, the translation has it too. */
const FIXED_WORDS = [
  'ModelsLab',
  'Stable Diffusion',
  'Discord',
  '@everyone',
  'modelslab.com',
  'API Keys',
  'ENCRYPTION_KEY',
  'HTTP',
  'JSON',
  'HTML',
  'ms',
];

const codeSpans = (text: string) => [...new Set(text.match(/`[^`]*`/g) ?? [])].sort();
/** Slash commands named outside `code` (command descriptions, titles): not the paths inside URLs. */
const slashCommands = (text: string) =>
  [...new Set(text.replace(/`[^`]*`/g, '').match(/(?<![\w/.:])\/[a-z]+/g) ?? [])].sort();
const links = (text: string) =>
  [...text.matchAll(/\[([^\]]+)\]\(([^)]+)\)/g)].map((m) => ({ text: m[1]!, url: m[2]! }));
const chars = (text: string) => [...text].length;

/** What is left of a string once the parts kept in English are taken out: it must read as its language. */
function prose(text: string): string {
  let rest = text
    .replace(/`[^`]*`/g, ' ')
    .replace(/\]\([^)]*\)/g, '] ')
    .replace(/\{\w+\}/g, ' ')
    .replace(/(?<![\w/.:])\/[a-z]+/g, ' ');
  for (const word of FIXED_WORDS) rest = rest.split(word).join(' ');
  return rest;
}
/** Words that would only be there if a piece of English was left untranslated. */
const ENGLISH =
  /\b(the|and|your|this|with|cannot|only|please|members|granted|again|key|keys|clear|cleared|run|not|were|been|would|should)\b/i;
const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff]/;

describe.each(LANGUAGES)('the %s catalog', (language, catalog: Catalog) => {
  it('has every string, none empty, and nothing English does not have', () => {
    expect(Object.keys(catalog).sort()).toEqual([...KEYS].sort());
    for (const key of KEYS) expect(catalog[key].trim(), key).not.toBe('');
  });

  it('is translated: no string is a copy of the English one, bar a few that are the same word', () => {
    const allowed = SAME_AS_ENGLISH[language] ?? [];
    const same = KEYS.filter((key) => catalog[key] === en[key]);
    expect(same).toEqual(allowed);
    for (const key of allowed) expect(chars(en[key]), key).toBeLessThanOrEqual(12);
  });

  it('leaves no English words in its prose', () => {
    for (const key of KEYS) {
      if (language === 'ja') expect(catalog[key], key).toMatch(JAPANESE);
      else expect(prose(catalog[key]), key).not.toMatch(ENGLISH);
    }
  });

  it('has the same placeholders as English in every string', () => {
    for (const key of KEYS) expect(placeholdersOf(catalog[key]), key).toEqual(placeholdersOf(en[key]));
  });

  it('keeps `code`, slash command names, links and product names exactly as in English', () => {
    for (const key of KEYS) {
      expect(codeSpans(catalog[key]), key).toEqual(codeSpans(en[key]));
      expect(slashCommands(catalog[key]), key).toEqual(slashCommands(en[key]));
      expect(
        links(catalog[key]).map((l) => l.url),
        key,
      ).toEqual(links(en[key]).map((l) => l.url));
      for (const word of FIXED_WORDS)
        if (en[key].includes(word)) expect(catalog[key], `${key}: ${word}`).toContain(word);
      // Paragraph breaks are part of a layout (the /access list body).
      expect(catalog[key].split('\n').length, key).toBe(en[key].split('\n').length);
    }
  });

  it('translates the link texts', () => {
    const ours = links(catalog['help.links.value']);
    expect(ours).toHaveLength(2);
    for (const [i, link] of ours.entries()) expect(link.text).not.toBe(links(en['help.links.value'])[i]!.text);
  });

  it('keeps every command description within 100 characters', () => {
    for (const key of KEYS.filter((k) => k.startsWith('cmd.')))
      expect(chars(catalog[key]), `${key}: ${catalog[key]}`).toBeLessThanOrEqual(100);
  });
});

it('maps the Discord locales we have words for, and only those', () => {
  expect([...LOCALIZED].sort()).toEqual(['de', 'es-419', 'es-ES', 'fr', 'ja', 'pt-BR']);
  expect(CATALOGS['es-419']).toBe(CATALOGS['es-ES']);
});

describe('the registration payload', () => {
  type Described = {
    name: string;
    description?: string;
    description_localizations?: Partial<Record<string, string | null>> | null;
    options?: APIApplicationCommandOption[];
  };
  /** Every command, subcommand and option, with a path for the failure messages. */
  function* described(items: readonly Described[], path = ''): Generator<[string, Described]> {
    for (const item of items) {
      yield [`${path}/${item.name}`, item];
      if (item.options) yield* described(item.options as Described[], `${path}/${item.name}`);
    }
  }

  it('has a description in every language we have, within 100 characters, on every command and option', async () => {
    const payload = registrationPayload(await loadCommands());
    const all = [...described(payload)];
    expect(all.length).toBeGreaterThanOrEqual(14);
    for (const [path, item] of all) {
      const localized = item.description_localizations ?? {};
      expect(Object.keys(localized).sort(), path).toEqual([...LOCALIZED].sort());
      for (const [locale, text = ''] of Object.entries(localized)) {
        expect(typeof text, `${path} ${locale}`).toBe('string');
        expect(chars(text ?? ''), `${path} ${locale}`).toBeGreaterThan(0);
        expect(chars(text ?? ''), `${path} ${locale}`).toBeLessThanOrEqual(100);
        expect(text, `${path} ${locale}`).not.toBe(item.description);
      }
    }
  });

  it("passes the Discord stand-in's checks on registrations, localizations included", async () => {
    expect(validateCommands(registrationPayload(await loadCommands()))).toBeUndefined();
  });
});

describe('numbers and amounts', () => {
  const balance = { amount: 1234.5, currency: 'EUR' };
  // Intl separates with no-break spaces: compared as plain spaces.
  const value = (locale: string) => translate(locale)('key.balance.value', { balance }).replace(/\s/g, ' ');
  it("are written the member's own way, also where the words are English", () => {
    expect(value('en-US')).toBe('€1,234.50 on the ModelsLab account');
    expect(value('de')).toBe('1.234,50 € auf dem ModelsLab-Konto');
    // No catalog for Dutch or Swedish: English words, their own numbers.
    expect(value('nl')).toBe('€ 1.234,50 on the ModelsLab account');
    expect(value('sv-SE')).toBe('1 234,50 € on the ModelsLab account');
    expect(translate('de')('check.timeout', { seconds: 2.5 })).toBe(
      'Die API hat nicht innerhalb von 2,5 s geantwortet.',
    );
  });

  it('fall back to English for a locale Discord does not send, and show an amount without a currency plainly', () => {
    expect(value('xx-not-a-locale')).toBe('€1,234.50 on the ModelsLab account');
    expect(translate('fr')('key.balance.value', { balance: { amount: 3 } })).toBe('3 sur le compte ModelsLab');
  });
});
