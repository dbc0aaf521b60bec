/** The API client's wallet_balance call, against the loopback stand-in: every outcome, read as clear_cache's are. */
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type WalletOutcome, createSdApi } from '../../src/core/sdapi.js';
import { type SdApiStandIn, type SdMode, startSdApiStandIn } from '../support/sdapi-standin.js';

const KEY = 'test-key-abcdef123456';

describe('walletBalance, against a loopback API', () => {
  let sd: SdApiStandIn;
  const api = () => createSdApi({ baseUrl: sd.baseUrl, timeoutMs: 1500, backoffMs: 10 });

  beforeAll(async () => {
    sd = await startSdApiStandIn();
  });
  afterAll(() => sd.close());
  beforeEach(() => {
    sd.setResponder(null);
    sd.setMode('success');
    sd.setLatency(0);
    sd.setBalance(43.6, 'USD');
    (sd.requests as unknown[]).length = 0;
  });

  it('POSTs the key as JSON to {base}/wallet_balance and reads the balance and currency', async () => {
    sd.setBalance(1234.5, 'eur');
    const result = await api().walletBalance(KEY);
    expect(result.outcome).toEqual({ kind: 'ok', balance: { amount: 1234.5, currency: 'EUR' } });
    expect(result.attempts).toBe(1);
    const [request] = sd.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/api/wallet_balance', json: { key: KEY } });
    expect(request!.headers['content-type']).toBe('application/json');
  });

  const cases: Array<[SdMode, WalletOutcome]> = [
    ['invalid-key-200', { kind: 'invalid-key', message: 'Invalid Api Key' }],
    ['invalid-key-401', { kind: 'invalid-key', message: 'Invalid Api Key' }],
    [
      'rate-limited',
      { kind: 'rate-limited', message: 'Rate limit exceeded. Maximum 5 queued requests allowed.', retryAfterS: 30 },
    ],
    ['rate-limited-legacy', { kind: 'rate-limited', message: 'Rate limit exceeded', retryAfterS: 30 }],
    ['failed', { kind: 'api-error', status: 200, message: 'Failed, Try Again' }],
    ['messege', { kind: 'api-error', status: 200, message: 'Some legacy error' }],
    ['validation', { kind: 'api-error', status: 400, message: 'key: The key field is required.' }],
    ['html-500', { kind: 'http-error', status: 500, answer: 'html' }],
    ['not-json-200', { kind: 'http-error', status: 200, answer: 'not-json' }],
  ];
  it.each(cases)('mode %s gives the outcome clear_cache would, sent once', async (mode, expected) => {
    sd.setMode(mode);
    const result = await api().walletBalance(KEY);
    expect(result.outcome).toEqual(expected);
    expect(sd.requests).toHaveLength(1);
  });

  it('retries a 502 within its deadline, as a clear does', async () => {
    sd.setMode('html-502', { times: 1 });
    const result = await api().walletBalance(KEY);
    expect(result).toMatchObject({ outcome: { kind: 'ok', balance: { amount: 43.6, currency: 'USD' } }, attempts: 2 });
  });

  // A success says the key works, whatever else is in it: the balance is what can be read of it.
  const undocumented: Array<[string, unknown, WalletOutcome]> = [
    ['no data', { status: 'success' }, { kind: 'ok' }],
    [
      'a balance that is not a number',
      { status: 'success', data: { balance: 'lots', currency: 'USD' } },
      { kind: 'ok' },
    ],
    [
      'a balance in a string',
      { status: 'success', data: { balance: '43.60', currency: 'usd' } },
      { kind: 'ok', balance: { amount: 43.6, currency: 'USD' } },
    ],
    ['no currency', { status: 'success', data: { balance: 3 } }, { kind: 'ok', balance: { amount: 3 } }],
    [
      'a currency that is not a code',
      { status: 'success', data: { balance: 3, currency: 'US dollars' } },
      { kind: 'ok', balance: { amount: 3 } },
    ],
  ];
  it.each(undocumented)('a success with %s still says the key works', async (_what, body, expected) => {
    sd.setResponder(() => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }));
    expect((await api().walletBalance(KEY)).outcome).toEqual(expected);
  });

  it('a 429 is a rate limit whatever its body, with the wait its Retry-After gives, in seconds or as a date', async () => {
    sd.setResponder(() => ({
      status: 429,
      headers: { 'content-type': 'text/html', 'retry-after': '120' },
      body: '<html>Slow down</html>',
    }));
    expect((await api().walletBalance(KEY)).outcome).toEqual({ kind: 'rate-limited', message: '', retryAfterS: 120 });
    const at = new Date(Date.now() + 90_000).toUTCString();
    sd.setResponder(() => ({ status: 429, headers: { 'retry-after': at }, body: '' }));
    const { outcome } = await api().walletBalance(KEY);
    expect(outcome).toMatchObject({ kind: 'rate-limited', message: '' });
    // An HTTP date has whole seconds: 89-90 s from now.
    expect((outcome as { retryAfterS: number }).retryAfterS).toBeGreaterThanOrEqual(88);
    expect((outcome as { retryAfterS: number }).retryAfterS).toBeLessThanOrEqual(90);
    expect(sd.requests).toHaveLength(2);
  });

  const keyWords: Array<[string, number, unknown, WalletOutcome['kind']]> = [
    [
      'the key named invalid after it',
      400,
      { status: 'error', message: { key: ['The selected key is invalid.'] } },
      'invalid-key',
    ],
    ['a revoked key', 200, { status: 'error', message: 'Api key is revoked' }, 'invalid-key'],
    ['an expired key', 200, { status: 'error', message: 'Your API key has expired' }, 'invalid-key'],
    [
      'a request fault near the word key',
      400,
      { status: 'error', message: 'Invalid request: key missing' },
      'api-error',
    ],
  ];
  it.each(keyWords)('%s is read as such', async (_what, status, body, kind) => {
    sd.setResponder(() => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
    expect((await api().walletBalance(KEY)).outcome.kind).toBe(kind);
  });

  it('a per-call budget shorter than the client deadline gives up at that budget', async () => {
    sd.setMode('hang');
    const result = await api().walletBalance(KEY, { timeoutMs: 200 });
    expect(result.outcome).toEqual({ kind: 'timeout', afterMs: 200 });
    expect(result.latencyMs).toBeLessThan(1400);
  });

  it('reports a refused connection as a network failure', async () => {
    const port = await freePort();
    const result = await createSdApi({
      baseUrl: `http://127.0.0.1:${port}/api`,
      timeoutMs: 1000,
      backoffMs: 5,
    }).walletBalance(KEY);
    expect(result.outcome).toEqual({ kind: 'network', detail: 'ECONNREFUSED' });
  });

  it('a dropped connection is a network failure', async () => {
    sd.setMode('drop');
    expect((await api().walletBalance(KEY)).outcome.kind).toBe('network');
  });

  it('never echoes the key back from a rate-limit message', async () => {
    sd.setResponder(() => ({
      status: 429,
      headers: { 'content-type': 'application/json', 'retry-after': '12' },
      body: JSON.stringify({ status: 'error', message: `Too many requests for ${KEY}` }),
    }));
    const result = await api().walletBalance(KEY);
    expect(result.outcome).toEqual({
      kind: 'rate-limited',
      message: 'Too many requests for ••••3456',
      retryAfterS: 12,
    });
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
