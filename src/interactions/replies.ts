/**
 * Every word the bot answers with: success, failure, info and refusal embeds share one look, the
 * refusals the road gives live here with the rest, and one function turns every clear outcome
 * into words an admin can act on. Embeds are plain API objects: both ways in send them as they are.
 */
import { TimestampStyles, time } from '@discordjs/formatters';
import type { APIEmbed } from 'discord-api-types/v10';
import type { ClearAttempt } from '../core/clearing.js';
import type { ClearOutcome } from '../core/sdapi.js';

const COLORS = { success: 0x2ecc71, failure: 0xe74c3c, warning: 0xf1c40f, info: 0x5865f2 } as const;
const DESCRIPTION_LIMIT = 4096;

export type Tone = keyof typeof COLORS;

export function embed(tone: Tone, title: string, description: string, fields?: Array<{ name: string; value: string }>): APIEmbed {
  const text = description.length > DESCRIPTION_LIMIT ? `${description.slice(0, DESCRIPTION_LIMIT - 1)}…` : description;
  return { color: COLORS[tone], title: title.slice(0, 256), description: text, ...(fields?.length ? { fields } : {}) };
}

/** The same embed with one more field. */
export const withField = (base: APIEmbed, name: string, value: string): APIEmbed => ({ ...base, fields: [...(base.fields ?? []), { name, value }] });

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

export const relative = (ms: number) => time(Math.ceil(ms / 1000), TimestampStyles.RelativeTime);
export const stamp = (ms: number) => time(Math.floor(ms / 1000), TimestampStyles.ShortDateTime);

const SET_KEY_HINT = 'A server admin can store a key with `/apikey set`; keys are on your ModelsLab dashboard (modelslab.com, API Keys).';

/** Short words for an outcome kind, for /apikey status and /audit. */
export function outcomeLabel(kind: string): string {
  const labels: Record<string, string> = {
    ok: 'cleared',
    'invalid-key': 'invalid key',
    'no-credits': 'out of credits',
    plan: 'not in plan',
    'rate-limited': 'rate limited',
    processing: 'still processing',
    'api-error': 'API error',
    'http-error': 'API unavailable',
    timeout: 'timed out',
    network: 'network failure',
  };
  return labels[kind] ?? kind;
}

export function clearOutcomeEmbed(outcome: ClearOutcome, latencyMs: number, now = Date.now()): APIEmbed {
  const said = (message: string, fallback: string) => (message ? `The API says:\n${quote(message)}\n\n` : fallback);
  switch (outcome.kind) {
    case 'ok':
      return { ...success('Cache cleared', quote(outcome.message)), footer: { text: `API answered in ${latencyMs} ms` } };
    case 'invalid-key':
      return failure('The API refused this server\'s key', `${said(outcome.message, '')}The stored key is invalid or was revoked. ${SET_KEY_HINT}`);
    case 'no-credits':
      return failure('Out of credits', `${said(outcome.message, '')}Add credits to the account on modelslab.com, then run \`/clearcache\` again.`);
    case 'plan':
      return failure('Not included in your plan', `${said(outcome.message, '')}The account's plan does not allow clearing the cache. Upgrade it on modelslab.com.`);
    case 'rate-limited': {
      const when = outcome.retryAfterS ? `Try again ${relative(now + outcome.retryAfterS * 1000)}.` : 'Wait a minute, then try again.';
      const capped = outcome.retryAfterCapped ? ' (The API asked for a longer wait; the bot waits a day at most.)' : '';
      return warning('Rate limited by the API', `${said(outcome.message, '')}The account has too many requests queued. ${when}${capped}`);
    }
    case 'processing': {
      const eta = outcome.etaS ? ` It expects to finish ${relative(now + outcome.etaS * 1000)}.` : '';
      return info('The API is still working on it', `${said(outcome.message, '')}The request was accepted and is being processed.${eta} No need to run it again.`);
    }
    case 'api-error':
      return failure('The API reported an error', `${said(outcome.message, '')}HTTP status ${outcome.status}. If this keeps happening, check the account on modelslab.com.`);
    case 'http-error':
      if (outcome.status >= 300 && outcome.status < 400) {
        return failure('The API redirected the request', `It answered HTTP ${outcome.status}, ${outcome.detail}. The bot's host should check \`SD_API_BASE_URL\`: the API may have moved.`);
      }
      return failure(
        'The API is having trouble',
        `It answered HTTP ${outcome.status} with ${outcome.detail}, not the expected JSON. This is on the API's side: try again in a few minutes.`,
      );
    case 'timeout':
      return failure('The API did not answer in time', `No answer within ${(outcome.afterMs / 1000).toFixed(1)} s. The cache may not have been cleared: try again in a minute.`);
    case 'network':
      return failure('Could not reach the API', `The connection failed (${outcome.detail}). The API may be down, or the bot's host cannot reach it: try again later.`);
  }
}

/** The reply for any /clearcache attempt, including the ones that never reached the API. */
export function clearAttemptEmbed(attempt: ClearAttempt): APIEmbed {
  switch (attempt.kind) {
    case 'no-key':
      return warning('No API key set', `This server has no Stable Diffusion API key yet, so nothing was sent. ${SET_KEY_HINT}`);
    case 'unreadable-key':
      return failure(
        'The stored key cannot be opened',
        'The key stored for this server was sealed with a different ENCRYPTION_KEY (or is damaged), so nothing was sent. ' +
          'The bot\'s host should check ENCRYPTION_KEY; an admin can also store the key again with `/apikey set`.',
      );
    case 'done': {
      const reply = clearOutcomeEmbed(attempt.result.outcome, attempt.result.latencyMs);
      const notes = [attempt.shared ? 'Another clear for this server was already running; this is its result.' : '', attempt.recorded ? '' : 'This clear could not be written to the audit trail.'];
      const note = notes.filter(Boolean).join(' ');
      return note ? withField(reply, 'Note', note) : reply;
    }
    case 'cooldown':
      return cooldown('clearcache', attempt.until);
    case 'busy':
      return info('A clear is already running', 'Another clear for this server is still running, so nothing more was sent. Its result will show where it was asked for; run `/clearcache` again in a minute if you need to.');
  }
}

export const storeUnavailable = () =>
  failure('Storage unavailable', 'The bot cannot read or write its database right now, so nothing was changed or sent. The bot\'s host has been told in the logs; try again in a few minutes.');

export const unexpectedError = () => failure('Something went wrong', 'The bot hit an unexpected error and logged it for its host. Nothing else was affected; try again in a moment.');

export const damagedRecord = () =>
  failure(
    "This server's settings cannot be read",
    "The bot's database holds a damaged record for this server, so nothing was changed or sent. The bot's host has been told in the logs (the line names this server).",
  );

// ---------------------------------------------------------------- refusals the road gives

const ADMINS = 'server admins (Administrator or Manage Server)';

export const notAllowed = (command: string, access: 'admin' | 'operator', grantedRoleIds: readonly string[] = []) => {
  if (access === 'admin') return warning('Not allowed', `Only ${ADMINS} can use \`/${command}\`.`);
  const granted = grantedRoleIds.length ? ` and members of ${grantedRoleIds.map((id) => `<@&${id}>`).join(', ')}` : '';
  return warning('Not allowed', `Only ${ADMINS}${granted} can use \`/${command}\`. An admin can give a role access with \`/access grant\`.`);
};

export const serversOnly = (command: string) =>
  info('Servers only', `\`/${command}\` works inside a server, where the bot keeps that server's API key. Run it in a server channel.`);

export const unknownCommand = (command: string) =>
  warning('Unknown command', `This bot has no \`/${command}\` any more. The bot's host should run \`npm run deploy-commands\` to refresh the list.`);

export const cooldown = (command: string, until: number) =>
  info('Please wait', `\`/${command}\` ran in this server moments ago. The next one is possible ${relative(until)}.`);

export const optionsNotUnderstood = (command: string) =>
  warning('Options not understood', `The options given to \`/${command}\` do not match this command. Check them and run it again.`);
