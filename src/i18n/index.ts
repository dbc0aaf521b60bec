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

export type { Catalog, MessageKey } from './en.js';

type Placeholders<S extends string> = S extends `${string}{${infer Name}}${infer Rest}`
  ? Name | Placeholders<Rest>
  : never;
/** An amount of money in the currency the API gave (ISO 4217 code): written the language's way. */
export interface Money {
  amount: number;
  currency: string;
}

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

/** Numbers and amounts are written the language's way (1,234 / 1.234 / 1 234; $43.60 / 43,60 $); words come from the catalog. */
function translator(catalog: Catalog, locale: string): Translate {
  // Made on first use: each Intl formatter loads its locale's data, and most locales never come up.
  let numbers: Intl.NumberFormat | undefined;
  const number = (value: number) => {
    numbers ??= new Intl.NumberFormat(locale);
    return numbers.format(value);
  };
  const money = ({ amount, currency }: Money) => {
    try {
      return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount);
    } catch {
      // A code Intl does not take (not three letters): the amount, then the code as the API wrote it.
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

const inEnglish = translator(en, 'en-US');
const translators = new Map(Object.entries(CATALOGS).map(([locale, catalog]) => [locale, translator(catalog, locale)]));

/** The translator for a Discord locale (`de`, `pt-BR`, `en-US`...); English when we have no catalog for it. */
export function translate(locale: string | undefined): Translate {
  return (locale !== undefined && translators.get(locale)) || inEnglish;
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
