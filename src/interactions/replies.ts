/**
 * Every answer the bot gives, in the caller's language: success, failure, info and refusal embeds
 * share one look, the refusals the pipeline gives live here with the rest, and one function turns every
 * clear outcome into words an admin can act on. Embeds are plain API objects that both edges send
 * as they are. The API's own messages are quoted as they came; only our words are translated.
 */
import { TimestampStyles, time } from '@discordjs/formatters';
import type { APIEmbed } from 'discord-api-types/v10';
import type { KeyProblem } from '../core/apikey.js';
import type { ClearAttempt } from '../core/clearing.js';
import type { ClearOutcome } from '../core/sdapi.js';
import type { MessageKey, Translate } from '../i18n/index.js';
import type { ClearOutcomeKind } from './outcome.js';

const COLORS = { success: 0x2ecc71, failure: 0xe74c3c, warning: 0xf1c40f, info: 0x5865f2 } as const;
/** Discord's embed limits (title, description, field value). */
export const EMBED_LIMITS = { title: 256, description: 4096, fieldName: 256, fieldValue: 1024 } as const;

export type Tone = keyof typeof COLORS;

const cut = (text: string, limit: number) => (text.length > limit ? `${text.slice(0, limit - 1)}…` : text);

export function embed(
  tone: Tone,
  title: string,
  description: string,
  fields?: Array<{ name: string; value: string }>,
): APIEmbed {
  return {
    color: COLORS[tone],
    title: cut(title, EMBED_LIMITS.title),
    description: cut(description, EMBED_LIMITS.description),
    ...(fields?.length
      ? {
          fields: fields.map((f) => ({
            name: cut(f.name, EMBED_LIMITS.fieldName),
            value: cut(f.value, EMBED_LIMITS.fieldValue),
          })),
        }
      : {}),
  };
}

/** The same embed with one more field. */
export const withField = (base: APIEmbed, name: string, value: string): APIEmbed => ({
  ...base,
  fields: [
    ...(base.fields ?? []),
    { name: cut(name, EMBED_LIMITS.fieldName), value: cut(value, EMBED_LIMITS.fieldValue) },
  ],
});

export const success = (title: string, description: string) => embed('success', title, description);
export const failure = (title: string, description: string) => embed('failure', title, description);
export const info = (title: string, description: string) => embed('info', title, description);
export const warning = (title: string, description: string) => embed('warning', title, description);

/**
 * Shows a message from outside (the API) as a quote that cannot break out into markdown: no
 * formatting, no masked [text](url) links, no <links>, mentions or timestamps, no headers.
 */
export function quote(text: string): string {
  const clean = text.replace(/[`*_~|>\\[\]()<#]/g, (c) => `\\${c}`).replace(/\n+/g, ' ');
  return `> ${clean}`;
}

/** Discord renders these in each reader's own language and time zone. */
export const relative = (ms: number) => time(Math.ceil(ms / 1000), TimestampStyles.RelativeTime);
export const stamp = (ms: number) => time(Math.floor(ms / 1000), TimestampStyles.ShortDateTime);

/** The words for each clear outcome: a new outcome in the core fails the type check until it has some. */
const OUTCOME_WORDS = {
  ok: 'outcome.ok',
  'invalid-key': 'outcome.invalid-key',
  'no-credits': 'outcome.no-credits',
  plan: 'outcome.plan',
  'rate-limited': 'outcome.rate-limited',
  processing: 'outcome.processing',
  'api-error': 'outcome.api-error',
  'http-error': 'outcome.http-error',
  timeout: 'outcome.timeout',
  network: 'outcome.network',
} as const satisfies Record<ClearOutcomeKind, MessageKey>;

const hasWords = (kind: string): kind is ClearOutcomeKind => Object.hasOwn(OUTCOME_WORDS, kind);

/** Short words for an outcome kind, for /apikey status and /audit (a stored kind we no longer know is shown as it is). */
export function outcomeLabel(t: Translate, kind: string): string {
  return hasWords(kind) ? t(OUTCOME_WORDS[kind]) : kind;
}

/** Why a key was refused, in words. */
export function keyProblem(t: Translate, problem: KeyProblem): string {
  switch (problem.problem) {
    case 'too-long':
      return t('key.problem.too-long', { length: problem.length, max: problem.max });
    case 'too-short':
      return t('key.problem.too-short', { length: problem.length, min: problem.min });
    default:
      return t(`key.problem.${problem.problem}`);
  }
}

export function clearOutcomeEmbed(t: Translate, outcome: ClearOutcome, latencyMs: number, now = Date.now()): APIEmbed {
  // The API's message first, quoted as it came, then our words.
  const said = (message: string, ours: string) => (message ? `${t('api.says')}\n${quote(message)}\n\n${ours}` : ours);
  switch (outcome.kind) {
    case 'ok':
      return {
        ...success(t('clear.ok.title'), quote(outcome.message)),
        footer: { text: t('clear.ok.footer', { ms: latencyMs }) },
      };
    case 'invalid-key':
      return failure(
        t('clear.invalid-key.title'),
        said(outcome.message, `${t('clear.invalid-key.body')} ${t('set-key.hint')}`),
      );
    case 'no-credits':
      return failure(t('clear.no-credits.title'), said(outcome.message, t('clear.no-credits.body')));
    case 'plan':
      return failure(t('clear.plan.title'), said(outcome.message, t('clear.plan.body')));
    case 'rate-limited': {
      const when = outcome.retryAfterS
        ? t('clear.rate-limited.when', { when: relative(now + outcome.retryAfterS * 1000) })
        : t('clear.rate-limited.later');
      const capped = outcome.retryAfterCapped ? ` ${t('clear.rate-limited.capped')}` : '';
      return warning(
        t('clear.rate-limited.title'),
        said(outcome.message, `${t('clear.rate-limited.body')} ${when}${capped}`),
      );
    }
    case 'processing': {
      const body = outcome.etaS
        ? t('clear.processing.eta', { when: relative(now + outcome.etaS * 1000) })
        : t('clear.processing.body');
      return info(t('clear.processing.title'), said(outcome.message, body));
    }
    case 'api-error':
      return failure(
        t('clear.api-error.title'),
        said(outcome.message, t('clear.api-error.body', { status: String(outcome.status) })),
      );
    case 'http-error':
      if (outcome.answer === 'redirect')
        return failure(t('clear.redirect.title'), t('clear.redirect.body', { status: String(outcome.status) }));
      if (outcome.message)
        return failure(
          t('clear.http-error.title'),
          said(outcome.message, t('clear.http-error.message', { status: String(outcome.status) })),
        );
      return failure(
        t('clear.http-error.title'),
        t('clear.http-error.body', { status: String(outcome.status), answer: t(`answer.${outcome.answer}`) }),
      );
    case 'timeout':
      return failure(
        t('clear.timeout.title'),
        t('clear.timeout.body', { seconds: Math.round(outcome.afterMs / 100) / 10 }),
      );
    case 'network':
      return failure(t('clear.network.title'), t('clear.network.body', { detail: outcome.detail }));
  }
}

/** The reply for any /clearcache attempt, including the ones that never reached the API. */
export function clearAttemptEmbed(t: Translate, attempt: ClearAttempt): APIEmbed {
  switch (attempt.kind) {
    case 'no-key':
      return warning(t('clear.no-key.title'), `${t('clear.no-key.body')} ${t('set-key.hint')}`);
    case 'unreadable-key':
      return failure(t('clear.unreadable.title'), t('clear.unreadable.body'));
    case 'done': {
      const reply = clearOutcomeEmbed(t, attempt.result.outcome, attempt.result.latencyMs);
      const notes = [attempt.shared ? t('clear.shared') : '', attempt.recorded ? '' : t('clear.unrecorded')].filter(
        Boolean,
      );
      return notes.length ? withField(reply, t('clear.note'), notes.join(' ')) : reply;
    }
    case 'cooldown':
      return cooldown(t, 'clearcache', attempt.until);
    case 'busy':
      return info(t('clear.busy.title'), t('clear.busy.body'));
  }
}

export const storeUnavailable = (t: Translate) => failure(t('store.title'), t('store.body'));

/** Where a caller of each command sees whether a change landed (every change is in /audit). */
const CHECK_WITH: Readonly<Record<string, string>> = { apikey: '`/apikey status`', access: '`/access list`' };

/** A write got no answer in time: it may have landed, so the reply says so and how to look. */
export const storeOutcomeUnknown = (t: Translate, command: string) =>
  warning(t('store.unknown.title'), t('store.unknown.body', { check: CHECK_WITH[command] ?? '`/audit`' }));
export const unexpectedError = (t: Translate) => failure(t('error.title'), t('error.body'));
export const damagedRecord = (t: Translate) => failure(t('damaged.title'), t('damaged.body'));
export const unknownSubcommand = (t: Translate, ...choices: string[]) =>
  failure(t('subcommand.title'), t('subcommand.body', { choices: choices.map((c) => `\`${c}\``).join(', ') }));

/**
 * At most this many roles are named in one reply, the rest counted: a server may have 250 roles
 * (and a granted list may still hold deleted ones), and 100 mentions of up to 24 characters leave
 * room for the words around them in every language.
 */
export const MAX_LISTED_ROLES = 100;

/** Role ids as mentions, each made into a line by `item`, joined by `separator`; past MAX_LISTED_ROLES, "(+N more)". */
export function roleList(
  t: Translate,
  roleIds: readonly string[],
  separator: string,
  item = (mention: string) => mention,
): string {
  const shown = roleIds
    .slice(0, MAX_LISTED_ROLES)
    .map((id) => item(`<@&${id}>`))
    .join(separator);
  const more = roleIds.length - MAX_LISTED_ROLES;
  return more > 0 ? `${shown}${separator === ', ' ? ' ' : separator}${t('roles.more', { count: more })}` : shown;
}

// ---------------------------------------------------------------- refusals the pipeline gives

export function notAllowed(
  t: Translate,
  command: string,
  access: 'admin' | 'operator' | 'everyone',
  grantedRoleIds: readonly string[] = [],
): APIEmbed {
  const admins = t('admins');
  if (access === 'admin') return warning(t('refusal.title'), t('refusal.admin', { admins, command }));
  if (grantedRoleIds.length === 0) return warning(t('refusal.title'), t('refusal.operator', { admins, command }));
  return warning(
    t('refusal.title'),
    t('refusal.operator.roles', { admins, command, roles: roleList(t, grantedRoleIds, ', ') }),
  );
}

export const serversOnly = (t: Translate, command: string) =>
  info(t('servers-only.title'), t('servers-only.body', { command }));
export const unknownCommand = (t: Translate, command: string) =>
  warning(t('unknown-command.title'), t('unknown-command.body', { command }));
export const cooldown = (t: Translate, command: string, until: number) =>
  info(t('cooldown.title'), t('cooldown.body', { command, when: relative(until) }));
/** A form or component this bot did not make (or no longer makes). */
export const notUnderstood = (t: Translate) => warning(t('not-understood.title'), t('not-understood.body'));
export const optionsNotUnderstood = (t: Translate, command: string) =>
  warning(t('options.title'), t('options.body', { command }));
