/**
 * The Stable Diffusion API (ModelsLab) client: clearCache(key) and walletBalance(key) -> a typed
 * outcome, never a throw; both read answers through one classification.
 * The legacy API answers many errors with HTTP 200, so the body decides, whatever the status.
 * Connection failures and 502/503/504 are retried (twice at most, with backoff and jitter) inside
 * the one deadline; 4xx answers, JSON errors and redirects (never followed) are final.
 */
import type { Readable } from 'node:stream';
import { type Dispatcher, request } from 'undici';
import { maskKey } from './apikey.js';
import { sharedDispatcher } from './connections.js';

export type ClearOutcome =
  | { kind: 'ok'; message: string }
  | { kind: 'invalid-key'; message: string }
  | { kind: 'no-credits'; message: string }
  | { kind: 'plan'; message: string }
  /** retryAfterCapped: the API asked for longer than MAX_WAIT_S, and got MAX_WAIT_S. */
  | { kind: 'rate-limited'; message: string; retryAfterS: number | undefined; retryAfterCapped?: true }
  | { kind: 'processing'; message: string; etaS: number | undefined }
  | { kind: 'api-error'; status: number; message: string }
  /** The API answered, but not in JSON the bot can use: what it sent instead, or its own message on a 5xx. */
  | { kind: 'http-error'; status: number; answer: UnusableAnswer; message?: string }
  | { kind: 'timeout'; afterMs: number }
  | { kind: 'network'; detail: string };

export type UnusableAnswer =
  | 'empty'
  | 'html'
  | 'undocumented-json'
  | 'not-json'
  | 'redirect'
  | 'unreadable'
  | 'too-deep'
  | 'server-error';

/** An account's balance as the API gave it: the currency is a three-letter code when it gave one. */
export interface Money {
  amount: number;
  currency?: string;
}

/** wallet_balance's outcome: the key works, with the balance if the API said it; or why not (the failures clear_cache has). */
export type WalletOutcome = { kind: 'ok'; balance?: Money } | Exclude<ClearOutcome, { kind: 'ok' }>;

export interface WalletResult {
  outcome: WalletOutcome;
  latencyMs: number;
  attempts: number;
}

export interface ClearResult {
  outcome: ClearOutcome;
  latencyMs: number;
  attempts: number;
}

export interface SdApiOptions {
  baseUrl: string;
  timeoutMs: number;
  /** Retries after the first attempt for connection failures and 502/503/504. */
  maxRetries?: number;
  /** First backoff step; doubles each retry, plus up to as much again in jitter. */
  backoffMs?: number;
  /** The connections to use (default: the process's shared pool, connections.ts). */
  dispatcher?: Dispatcher;
}

export interface SdApi {
  clearCache(key: string, signal?: AbortSignal): Promise<ClearResult>;
  /** Changes nothing on the account; `timeoutMs` shortens the client's deadline for this call. */
  walletBalance(key: string, options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<WalletResult>;
}

const MAX_BODY_BYTES = 64 * 1024;
/** The longest API message (or network error) shown, in characters, before it is quoted. */
export const MAX_MESSAGE_CHARS = 900;
const RETRYABLE_STATUS = new Set([502, 503, 504]);
/** A day: the longest wait or ETA worth believing (1e12 s would block a server for millennia). */
export const MAX_WAIT_S = 86_400;
/** Far deeper than any answer the API documents, far shallower than what overflows the stack. */
const MAX_JSON_DEPTH = 32;

export function createSdApi(options: SdApiOptions): SdApi {
  // Credentials in the base URL (config refuses them) would travel with the key: never sent.
  const base = new URL(options.baseUrl);
  base.username = '';
  base.password = '';
  const root = base.toString().replace(/\/+$/, '');
  const url = `${root}/v5/clear_cache`;
  const walletUrl = `${root}/wallet_balance`;
  const maxRetries = options.maxRetries ?? 2;
  const backoffMs = options.backoffMs ?? 200;
  // Kept-alive, bounded connections (HTTP/2 where offered): a burst of clears pays a handshake or two, not one each.
  const dispatcher = options.dispatcher ?? sharedDispatcher();
  // The first burst would otherwise wait for the handshake: one connection is opened at start (no
  // request sent). An idle bot pays that one handshake, and the connection closes after IDLE_MS unused.
  if (!options.dispatcher) sharedDispatcher().warm(url);

  async function attempt<T>(
    key: string,
    signal: AbortSignal,
    target = url,
    read: Classifier<T> = classify as Classifier<T>,
    timeoutMs = options.timeoutMs,
  ): Promise<T | ClearOutcome> {
    try {
      // undici's request (the client @discordjs/rest already loads): no second HTTP stack, no web streams.
      const response = await request(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ key }),
        signal,
        dispatcher,
        // Never followed: a 307/308 would re-POST the key to wherever it points, and a loop costs ~20 requests.
        maxRedirections: 0,
      });
      if (response.statusCode >= 300 && response.statusCode < 400) {
        discard(response.body);
        return { kind: 'http-error', status: response.statusCode, answer: 'redirect' };
      }
      const text = await readLimited(response.body);
      const retryAfter = response.headers['retry-after'];
      return classifySafely(response.statusCode, text, typeof retryAfter === 'string' ? retryAfter : null, key, read);
    } catch (error) {
      if (signal.aborted) return { kind: 'timeout', afterMs: timeoutMs };
      return { kind: 'network', detail: describeNetworkError(error) };
    }
  }

  /** An answer we fail to read is the answer's fault: never a connection failure, never retried. */
  function classifySafely<T>(
    status: number,
    text: string,
    retryAfter: string | null,
    key: string,
    read: Classifier<T>,
  ): T | ClearOutcome {
    try {
      return read(status, text, retryAfter, key);
    } catch {
      return { kind: 'http-error', status, answer: 'unreadable' };
    }
  }

  /** One call inside one deadline, retried as the header says; the same for every endpoint. */
  async function call<T extends { kind: string }>(
    key: string,
    target: string,
    read: Classifier<T>,
    timeoutMs: number,
    outer?: AbortSignal,
  ) {
    const started = performance.now();
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = outer ? AbortSignal.any([deadline, outer]) : deadline;
    let attempts = 0;
    let outcome: T | ClearOutcome;
    for (;;) {
      attempts += 1;
      outcome = await attempt(key, signal, target, read, timeoutMs);
      if (!isRetryable(outcome) || attempts > maxRetries) break;
      const step = backoffMs * 2 ** (attempts - 1);
      const wait = step + Math.random() * step;
      const left = timeoutMs - (performance.now() - started);
      // A retry that cannot finish inside the deadline only turns a clear failure into a timeout.
      if (left - wait < Math.min(1000, timeoutMs / 4)) break;
      if (!(await sleep(wait, signal))) break;
    }
    return { outcome, latencyMs: Math.round(performance.now() - started), attempts };
  }

  return {
    clearCache: (key, outer) => call(key, url, classify, options.timeoutMs, outer) as Promise<ClearResult>,
    walletBalance: (key, { signal, timeoutMs } = {}) =>
      call(
        key,
        walletUrl,
        classifyWallet,
        Math.min(timeoutMs ?? options.timeoutMs, options.timeoutMs),
        signal,
      ) as Promise<WalletResult>,
  };
}

type Classifier<T> = (status: number, text: string, retryAfterHeader: string | null, key: string) => T;

function isRetryable(outcome: { kind: string; status?: number }): boolean {
  return (
    outcome.kind === 'network' ||
    (outcome.kind === 'http-error' && outcome.status !== undefined && RETRYABLE_STATUS.has(outcome.status))
  );
}

function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

async function readLimited(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= MAX_BODY_BYTES) {
      discard(body);
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Drops the rest of an answer: undici's body reports its own abort as an 'error', which is expected here. */
function discard(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

function describeNetworkError(error: unknown): string {
  const own = (error as { code?: unknown } | undefined)?.code;
  if (typeof own === 'string' && !own.startsWith('UND_ERR')) return own;
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return capped(cause.code);
  const text =
    cause && typeof cause.message === 'string' ? cause.message : error instanceof Error ? error.message : String(error);
  // fetch names the URL in some errors (one with credentials, for one): the detail is shown publicly. Cut after, so no part escapes.
  return capped(text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi, '$1'));
}

type Json = Record<string, unknown>;

/**
 * A message that says the key itself is refused, in either word order ("Invalid Api Key", "key: The
 * selected key is invalid.", "Api key is revoked"), and not one about something else near the word
 * key ("Invalid request: key missing" is the request's fault, not the key's).
 */
const KEY_REFUSED =
  /\b(?:invalid|revoked|expired|wrong|incorrect)\s+(?:api\s*)?key\b|\bkey\b[^.;:]{0,20}?\b(?:invalid|not valid|revoked|expired)\b|unauthori[sz]ed/i;

function rateLimited(message: string, asked: number | undefined): ClearOutcome {
  return asked !== undefined && asked > MAX_WAIT_S
    ? { kind: 'rate-limited', message, retryAfterS: MAX_WAIT_S, retryAfterCapped: true }
    : { kind: 'rate-limited', message, retryAfterS: asked };
}

/** Turns one HTTP answer into an outcome. Exported for the tests of each API.md case. */
export function classify(status: number, text: string, retryAfterHeader: string | null, key: string): ClearOutcome {
  if (/^\s*[[{]/.test(text) && depthOver(text, MAX_JSON_DEPTH))
    return { kind: 'http-error', status, answer: 'too-deep' };
  const body = parseObject(text);
  // A 429 is a rate limit whatever came with it (a proxy's HTML page, nothing): its header says how long.
  if (!body && status === 429) return rateLimited('', retryAfterSeconds(retryAfterHeader));
  if (!body) {
    const answer =
      text.trim() === '' ? 'empty' : /^\s*</.test(text) ? 'html' : isJson(text) ? 'undocumented-json' : 'not-json';
    return { kind: 'http-error', status, answer };
  }
  const message = readMessage(body, key);
  const apiStatus = typeof body.status === 'string' ? body.status.toLowerCase() : '';
  const tips = [body.tip, body.tips].filter((t): t is string => typeof t === 'string').join(' ');
  const hint = `${message} ${tips}`;

  if (status >= 200 && status < 300 && apiStatus === 'success')
    return { kind: 'ok', message: message || 'Cache cleared' };
  if (apiStatus === 'processing') {
    const eta = positiveNumber(body.eta);
    return { kind: 'processing', message, etaS: eta !== undefined && eta <= MAX_WAIT_S ? eta : undefined };
  }
  if (
    status === 429 ||
    /rate.?limit|too many requests|queued requests/i.test(hint) ||
    (apiStatus !== 'success' && secondsIn(tips) !== undefined)
  ) {
    return rateLimited(
      message,
      positiveNumber(body.retry_after) ?? retryAfterSeconds(retryAfterHeader) ?? secondsIn(tips),
    );
  }
  if (status === 401 || KEY_REFUSED.test(message)) return { kind: 'invalid-key', message };
  if (status === 402 || /credit|insufficient|balance/i.test(message)) return { kind: 'no-credits', message };
  if (status === 403 || /premium|subscription|upgrade your plan/i.test(message)) return { kind: 'plan', message };
  if (status >= 500)
    return message
      ? { kind: 'http-error', status, answer: 'server-error', message }
      : { kind: 'http-error', status, answer: 'server-error' };
  return {
    kind: 'api-error',
    status,
    message: message || capped(scrub(`status "${apiStatus || 'none'}" without a message`, key)),
  };
}

/**
 * wallet_balance's answer: the same failures as clear_cache's. A success says the key works, even
 * when its `data` is not the documented balance and currency code: the balance is then what can be
 * read of it (a finite amount; a currency only if it is a three-letter code), or nothing.
 */
export function classifyWallet(
  status: number,
  text: string,
  retryAfterHeader: string | null,
  key: string,
): WalletOutcome {
  const outcome = classify(status, text, retryAfterHeader, key);
  if (outcome.kind !== 'ok') return outcome;
  const data = parseObject(text)?.data;
  const { balance, currency } = (data !== null && typeof data === 'object' ? data : {}) as Json;
  const amount = typeof balance === 'string' && balance.trim() !== '' ? Number(balance) : balance;
  if (typeof amount !== 'number' || !Number.isFinite(amount)) return { kind: 'ok' };
  return typeof currency === 'string' && /^[A-Za-z]{3}$/.test(currency)
    ? { kind: 'ok', balance: { amount, currency: currency.toUpperCase() } }
    : { kind: 'ok', balance: { amount } };
}

/** Whether brackets outside strings nest deeper than max: checked before parsing, without recursion. */
function depthOver(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i += 1; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth -= 1;
  }
  return false;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function parseObject(text: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** `message`, or the legacy `messege`; a string, or field errors like {"key": ["... required."]}. Key-free, then cut. */
function readMessage(body: Json, key: string): string {
  const raw = body.message ?? body.messege ?? body.error;
  let text: string;
  if (typeof raw === 'string') text = raw;
  else if (Array.isArray(raw)) text = words(raw);
  else if (raw !== null && typeof raw === 'object') {
    text = Object.entries(raw)
      .map(([field, errors]) => `${field}: ${Array.isArray(errors) ? words(errors) : words([errors])}`)
      .join('; ');
  } else text = '';
  // Masked before the cut: a key straddling the cut would otherwise escape the mask.
  text = scrub(text.replace(/\s+/g, ' ').trim(), key);
  return capped(text);
}

/** An API's words (and a network error's) are shown at most MAX_MESSAGE_CHARS long, so every reply quoting them fits Discord's limits. */
function capped(text: string): string {
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS - 1)}…` : text;
}

/** Strings, numbers and booleans of a list, as words; nested lists and objects are not words. */
function words(list: unknown[]): string {
  return list
    .filter((item) => ['string', 'number', 'boolean'].includes(typeof item))
    .map(String)
    .join(' ');
}

/** The shortest run of a key's characters that counts as part of the key when an API echoes it. */
const KEY_FRAGMENT = 8;

/**
 * An API that echoes the key must not make us show it: the whole key becomes its mask, and any
 * other run of 8+ characters found in the key (a cut, a prefix, a quoted slice) becomes ••••.
 */
function scrub(text: string, key: string): string {
  // A key shorter than a fragment (stored before keys had a minimum) is masked where it is whole.
  if (key.length < KEY_FRAGMENT) return key && text.includes(key) ? text.split(key).join(maskKey(key)) : text;
  const grams = new Set<string>();
  for (let i = 0; i + KEY_FRAGMENT <= key.length; i++) grams.add(key.slice(i, i + KEY_FRAGMENT));
  let out = '';
  let copied = 0;
  for (let i = 0; i + KEY_FRAGMENT <= text.length; ) {
    if (!grams.has(text.slice(i, i + KEY_FRAGMENT))) {
      i += 1;
      continue;
    }
    // Grow the match while it is still somewhere in the key: the longest fragment starting here.
    let end = i + KEY_FRAGMENT;
    while (end < text.length && key.includes(text.slice(i, end + 1))) end += 1;
    out += text.slice(copied, i) + (text.slice(i, end) === key ? maskKey(key) : '••••');
    copied = i = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function positiveNumber(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.ceil(n) : undefined;
}

/** A Retry-After header: seconds, or an HTTP date (RFC 9110), as seconds from now. */
function retryAfterSeconds(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = positiveNumber(header);
  if (seconds !== undefined || /^\s*[\d.]+\s*$/.test(header)) return seconds;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : positiveNumber((at - Date.now()) / 1000);
}

function secondsIn(text: string): number | undefined {
  const match = /(\d{1,5})\s*(?:seconds?|secs?)\b/i.exec(text);
  return match ? Number(match[1]) : undefined;
}
