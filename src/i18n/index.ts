/**
 * The bot's words in the caller's language: a typed catalog per language (English is the source;
 * the compiler rejects a catalog that lacks a string), Discord's locale codes mapped onto them,
 * and `t(key, params)` with the placeholders each string needs checked by the compiler too.
 */
import { de } from './de.js';
import { type Catalog, en, type MessageKey } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import { ja } from './ja.js';
import { ptBR } from './pt-BR.js';
import { Locale } from 'discord-api-types/v10';
import type { Money } from '../core/sdapi.js';

export type { Catalog, MessageKey } from './en.js';

type Placeholders<S extends string> = S extends `${string}{${infer Name}}${infer Rest}`
  ? Name | Placeholders<Rest>
  : never;
export type { Money };

type Param = string | number | Money;

/** The parameters a key's string asks for: none, or one object naming each placeholder. */
export type Params<K extends MessageKey> = [Placeholders<(typeof en)[K]>] extends [never]
  ? []
  : [Record<Placeholders<(typeof en)[K]>, Param>];

export type Translate = <K extends MessageKey>(key: K, ...params: Params<K>) => string;

/** Discord locale -> catalog. Locales without one read English. */
export const CATALOGS: Readonly<Record<string, Catalog>> = {
  de,
  fr,
  'es-ES': es,
  'es-419': es,
  'pt-BR': ptBR,
  ja,
};

/** The Discord locales whose words we have (besides English), for description_localizations. */
export const LOCALIZED = Object.keys(CATALOGS);

const PLACEHOLDER = /\{(\w+)\}/g;

/**
 * Words come from the catalog; numbers and amounts are written the member's own way (1,234 / 1.234 /
 * 1 234; $43.60 / 43,60 $), in their locale even where the words are another language's.
 */
function translator(catalog: Catalog, locale: string): Translate {
  // Made on first use: each Intl formatter loads its locale's data, and most locales never come up.
  let numbers: Intl.NumberFormat | undefined;
  const number = (value: number) => {
    numbers ??= new Intl.NumberFormat(locale);
    return numbers.format(value);
  };
  // No currency given: the amount alone. A code Intl does not take: the amount, then the code.
  const money = ({ amount, currency }: Money) => {
    if (currency === undefined) return number(amount);
    try {
      return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount);
    } catch {
      return `${number(amount)} ${currency}`;
    }
  };
  const show = (value: Param) =>
    typeof value === 'number' ? number(value) : typeof value === 'object' ? money(value) : value;
  return ((key: MessageKey, params?: Record<string, Param>) => {
    const text = catalog[key];
    return params
      ? text.replace(PLACEHOLDER, (whole, name: string) => (name in params ? show(params[name]!) : whole))
      : text;
  }) as Translate;
}

/** Every locale Discord sends: the only ones a translator is made for, so what is kept stays bounded. */
const DISCORD_LOCALES: ReadonlySet<string> = new Set(Object.values(Locale));
const translators = new Map<string, Translate>();
const inEnglish = translator(en, Locale.EnglishUS);

/** The translator for a Discord locale (`de`, `pt-BR`, `nl`...): its catalog's words, or English's, and its own numbers. */
export function translate(locale: string | undefined): Translate {
  if (locale === undefined || !DISCORD_LOCALES.has(locale)) return inEnglish;
  let made = translators.get(locale);
  if (!made) {
    made = translator(CATALOGS[locale] ?? en, locale);
    translators.set(locale, made);
  }
  return made;
}

/** A key in English, the language Discord shows when it has no localization. */
export const english = (key: MessageKey): string => en[key];

/** A key in every language we have, for Discord's `*_localizations` fields. */
export function localizations(key: MessageKey): Record<string, string> {
  return Object.fromEntries(Object.entries(CATALOGS).map(([locale, catalog]) => [locale, catalog[key]]));
}

/** A builder of a command, subcommand or option: what Discord shows as its description. */
interface Describable {
  setDescription(description: string): unknown;
  setDescriptionLocalizations(localizations: Record<string, string>): unknown;
}

/** Sets a builder's description in English and in every language we have, from one key. */
export function described<B extends Describable>(builder: B, key: MessageKey): B {
  builder.setDescription(english(key));
  builder.setDescriptionLocalizations(localizations(key));
  return builder;
}

/** The placeholders a string uses, in order of first use (for the catalog checks). */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))].sort();
}
