import { readFileSync } from 'node:fs';
import { type Http2ServerRequest, type Http2ServerResponse, createSecureServer } from 'node:http2';
import { type AddressInfo, createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createConnectionPool } from '../../src/core/connections.js';
import { type ClearOutcome, createSdApi } from '../../src/core/sdapi.js';
import { makeRunCa, tlsTestsCanRun } from '../bench/tls-rig.js';
import { type SdApiStandIn, type SdMode, startSdApiStandIn } from '../support/sdapi-standin.js';

const KEY = 'test-key-abcdef123456';

describe('the Stable Diffusion API client, against a loopback API', () => {
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
    (sd.requests as unknown[]).length = 0;
  });

  it('POSTs the key as JSON to {base}/v5/clear_cache and reads the success', async () => {
    const result = await api().clearCache(KEY);
    expect(result.outcome).toEqual({ kind: 'ok', message: 'Cache cleared' });
    expect(result.attempts).toBe(1);
    const [request] = sd.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/api/v5/clear_cache', json: { key: KEY } });
    expect(request!.headers['content-type']).toBe('application/json');
  });

  const cases: Array<[SdMode, ClearOutcome]> = [
    ['invalid-key-200', { kind: 'invalid-key', message: 'Invalid Api Key' }],
    ['invalid-key-401', { kind: 'invalid-key', message: 'Invalid Api Key' }],
    ['no-credits', { kind: 'no-credits', message: 'Insufficient credits. Please add more credits to continue.' }],
    ['plan', { kind: 'plan', message: 'This feature requires a premium subscription' }],
    [
      'rate-limited',
      { kind: 'rate-limited', message: 'Rate limit exceeded. Maximum 5 queued requests allowed.', retryAfterS: 30 },
    ],
    ['rate-limited-legacy', { kind: 'rate-limited', message: 'Rate limit exceeded', retryAfterS: 30 }],
    ['failed', { kind: 'api-error', status: 200, message: 'Failed, Try Again' }],
    ['processing', { kind: 'processing', message: 'Your request is being processed', etaS: 30 }],
    ['messege', { kind: 'api-error', status: 200, message: 'Some legacy error' }],
    ['validation', { kind: 'api-error', status: 400, message: 'key: The key field is required.' }],
    ['error-200', { kind: 'api-error', status: 200, message: 'Something went wrong' }],
    ['html-500', { kind: 'http-error', status: 500, answer: 'html' }],
    ['not-json-200', { kind: 'http-error', status: 200, answer: 'not-json' }],
  ];
  it.each(cases)('mode %s gives its own outcome, sent once', async (mode, expected) => {
    sd.setMode(mode);
    const result = await api().clearCache(KEY);
    expect(result.outcome).toEqual(expected);
    expect(sd.requests).toHaveLength(1); // 4xx, JSON errors and 500 are never retried
  });

  it('retries 502/503/504 twice at most, then reports the last answer', async () => {
    sd.setMode('html-502', { times: 1 });
    sd.setMode('empty-504', { times: 5 });
    const result = await api().clearCache(KEY);
    expect(result.outcome).toEqual({ kind: 'http-error', status: 504, answer: 'empty' });
    expect(result.attempts).toBe(3);
    expect(sd.requests).toHaveLength(3);
  });

  it('a retry that succeeds is a success', async () => {
    sd.setMode('html-503', { times: 1 });
    const result = await api().clearCache(KEY);
    expect(result).toMatchObject({ outcome: { kind: 'ok' }, attempts: 2 });
  });

  it('a dropped connection is a network failure, retried', async () => {
    sd.setMode('drop');
    const result = await api().clearCache(KEY);
    expect(result.outcome.kind).toBe('network');
    expect(result.attempts).toBe(3);
  });

  it('gives up on a hanging API at the timeout', async () => {
    sd.setMode('hang');
    const result = await createSdApi({ baseUrl: sd.baseUrl, timeoutMs: 300 }).clearCache(KEY);
    expect(result.outcome).toEqual({ kind: 'timeout', afterMs: 300 });
    expect(result.latencyMs).toBeGreaterThanOrEqual(290);
    expect(result.latencyMs).toBeLessThan(1500);
  });

  it('retries never outlast the timeout', async () => {
    sd.setMode('html-502');
    // Retries that ignored the timeout would take 3 x 500 + 200 + 400 = 2,100 ms: the bound sits
    // 500 ms under that and 1,000 ms over the timeout, room for a loaded machine on both sides.
    sd.setLatency(500);
    const result = await createSdApi({ baseUrl: sd.baseUrl, timeoutMs: 600, backoffMs: 200 }).clearCache(KEY);
    expect(result.latencyMs).toBeLessThan(600 + 1000);
    expect(['http-error', 'timeout']).toContain(result.outcome.kind);
  });

  it('reports a refused connection', async () => {
    const port = await freePort();
    const result = await createSdApi({
      baseUrl: `http://127.0.0.1:${port}/api`,
      timeoutMs: 1000,
      backoffMs: 5,
    }).clearCache(KEY);
    expect(result.outcome).toEqual({ kind: 'network', detail: 'ECONNREFUSED' });
  });

  it('never sends or shows the credentials of a base URL that carries them', async () => {
    const withCredentials = sd.baseUrl.replace('http://', 'http://someone:Pa55-w0rd-xyz@');
    const result = await createSdApi({ baseUrl: withCredentials, timeoutMs: 1000, backoffMs: 5 }).clearCache(KEY);
    expect(result.outcome.kind).toBe('ok');
    const sent = sd.requests.at(-1)!;
    expect(sent.headers.authorization).toBeUndefined();
    expect(JSON.stringify(sent)).not.toContain('Pa55-w0rd-xyz');
    expect(JSON.stringify(result)).not.toContain('someone');
  });

  it('reads Retry-After and never echoes the key back', async () => {
    sd.setResponder(() => ({
      status: 429,
      headers: { 'content-type': 'application/json', 'retry-after': '12' },
      body: JSON.stringify({ status: 'error', message: `Too many requests for ${KEY}` }),
    }));
    const result = await api().clearCache(KEY);
    expect(result.outcome).toEqual({
      kind: 'rate-limited',
      message: 'Too many requests for ••••3456',
      retryAfterS: 12,
    });
  });

  describe('an API message that echoes the key', () => {
    // A 256-character key, the longest /apikey set accepts, with no repeats that could hide a leak.
    const LONG_KEY = Array.from(
      { length: 256 },
      (_, i) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[(i * 7) % 62]! + (i % 10),
    )
      .join('')
      .slice(0, 256);
    const leaks = (text: string, key: string) =>
      Array.from({ length: key.length - 7 }, (_, i) => key.slice(i, i + 8)).filter((part) => text.includes(part));
    const answerWith = (message: string) =>
      sd.setResponder(() => ({
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'error', message }),
      }));

    it('keeps no part of a key that straddles the 900-character cut', async () => {
      answerWith(`${'x'.repeat(840)} ${LONG_KEY} trailing words`);
      const { outcome } = await createSdApi({ baseUrl: sd.baseUrl, timeoutMs: 1500 }).clearCache(LONG_KEY);
      expect(outcome.kind).toBe('api-error');
      const message = (outcome as { message: string }).message;
      expect(message.length).toBeLessThanOrEqual(900);
      expect(leaks(message, LONG_KEY)).toEqual([]);
    });

    it('cuts and masks a status the API sent without a message, like a message', async () => {
      sd.setResponder(() => ({
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status: `${'w'.repeat(5000)} ${LONG_KEY}` }),
      }));
      const { outcome } = await createSdApi({ baseUrl: sd.baseUrl, timeoutMs: 1500 }).clearCache(LONG_KEY);
      expect(outcome.kind).toBe('api-error');
      const message = (outcome as { message: string }).message;
      expect(message).toMatch(/^status "w+…$/);
      expect(message.length).toBe(900);
      const lowerKey = 'q7w8e9r0t1y2u3i4o5p6a7s8';
      sd.setResponder(() => ({
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status: lowerKey }),
      }));
      const echoed = (await createSdApi({ baseUrl: sd.baseUrl, timeoutMs: 1500 }).clearCache(lowerKey)).outcome as {
        message: string;
      };
      expect(echoed.message).toBe('status "••••a7s8" without a message');
      expect(leaks(echoed.message, lowerKey)).toEqual([]);
    });

    it('masks a short key stored before keys had a minimum length, where it appears whole', async () => {
      answerWith('bad key abc123 given');
      const { outcome } = await createSdApi({ baseUrl: sd.baseUrl, timeoutMs: 1500 }).clearCache('abc123');
      expect(outcome).toMatchObject({ message: 'bad key •••• given' });
    });

    it('masks any fragment of 8 or more characters of the key, wherever it appears', async () => {
      answerWith(
        `key ${LONG_KEY.slice(3, 11)} and ${LONG_KEY.slice(100, 180)}, also ${LONG_KEY.slice(-20)}; short ${LONG_KEY.slice(40, 47)} stays`,
      );
      const { outcome } = await createSdApi({ baseUrl: sd.baseUrl, timeoutMs: 1500 }).clearCache(LONG_KEY);
      const message = (outcome as { message: string }).message;
      expect(leaks(message, LONG_KEY)).toEqual([]);
      expect(message).toBe(`key •••• and ••••, also ••••; short ${LONG_KEY.slice(40, 47)} stays`);
    });
  });

  describe('redirects', () => {
    it('a 307 to another origin is an error, and the key is not sent there', async () => {
      const elsewhere = await startSdApiStandIn();
      try {
        sd.setResponder(() => ({
          status: 307,
          headers: { location: `${elsewhere.baseUrl}/v5/clear_cache` },
          body: '',
        }));
        const result = await api().clearCache(KEY);
        expect(result.outcome).toEqual({ kind: 'http-error', status: 307, answer: 'redirect' });
        expect(sd.requests).toHaveLength(1); // a redirect is final: no retry
        expect(elsewhere.requests).toHaveLength(0);
      } finally {
        await elsewhere.close();
      }
    });

    it('a redirect loop costs one request', async () => {
      sd.setResponder(() => ({ status: 308, headers: { location: `${sd.baseUrl}/v5/clear_cache` }, body: '' }));
      const result = await api().clearCache(KEY);
      expect(result.outcome).toMatchObject({ kind: 'http-error', status: 308 });
      expect(result.attempts).toBe(1);
      expect(sd.requests).toHaveLength(1);
    });

    it('a 302 with a JSON body is still a redirect, never a success', async () => {
      sd.setResponder(() => ({
        status: 302,
        headers: { location: '/elsewhere', 'content-type': 'application/json' },
        body: '{"status":"success","message":"Cache cleared"}',
      }));
      expect((await api().clearCache(KEY)).outcome).toMatchObject({ kind: 'http-error', status: 302 });
    });

    it("drops a redirect's body, and an answer past 64 KiB, without an error escaping the client", async () => {
      const escaped: unknown[] = [];
      const record = (error: unknown) => escaped.push(error);
      process.on('uncaughtException', record);
      try {
        sd.setResponder(() => ({ status: 307, headers: { location: '/elsewhere' }, body: 'x'.repeat(200_000) }));
        expect((await api().clearCache(KEY)).outcome).toMatchObject({ kind: 'http-error', status: 307 });
        await sd.waitForClose(sd.requests.at(-1)!);
        sd.setResponder(() => ({
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: `{"status":"error","message":"${'x'.repeat(300_000)}"}`,
        }));
        expect((await api().clearCache(KEY)).outcome.kind).not.toBe('ok');
        // The body's abort is reported on a later turn of the event loop than the answer: by the time
        // the stand-in sees the connection closed (network I/O, after the client's own close events),
        // an error that escaped the client has been thrown.
        await sd.waitForClose(sd.requests.at(-1)!);
      } finally {
        process.off('uncaughtException', record);
      }
      expect(escaped).toEqual([]);
    });
  });

  describe('answers out of bounds', () => {
    const answer = (status: number, body: string, headers: Record<string, string> = {}) =>
      sd.setResponder(() => ({ status, headers: { 'content-type': 'application/json', ...headers }, body }));

    it.each([
      ['retry_after 1e12', JSON.stringify({ status: 'error', message: 'Rate limit exceeded', retry_after: 1e12 }), {}],
      ['retry_after 1e300', '{"status":"error","message":"Rate limit exceeded","retry_after":1e300}', {}],
      [
        'a Retry-After header of 1e11 s',
        JSON.stringify({ status: 'error', message: 'Rate limit exceeded' }),
        { 'retry-after': '99999999999' },
      ],
    ])('%s is capped at a day, and the outcome says it was', async (_name, body, headers) => {
      answer(429, body, headers);
      expect((await api().clearCache(KEY)).outcome).toEqual({
        kind: 'rate-limited',
        message: 'Rate limit exceeded',
        retryAfterS: 86_400,
        retryAfterCapped: true,
      });
    });

    it('a retry_after within a day is kept as it is', async () => {
      answer(429, JSON.stringify({ status: 'error', message: 'Rate limit exceeded', retry_after: 86_400 }));
      expect((await api().clearCache(KEY)).outcome).toEqual({
        kind: 'rate-limited',
        message: 'Rate limit exceeded',
        retryAfterS: 86_400,
      });
    });

    it('an eta past a day is dropped rather than shown', async () => {
      answer(200, '{"status":"processing","message":"Working","eta":1e300}');
      expect((await api().clearCache(KEY)).outcome).toEqual({
        kind: 'processing',
        message: 'Working',
        etaS: undefined,
      });
    });

    it.each([
      ['a nested message', `{"status":"error","message":${'['.repeat(30_000)}${']'.repeat(30_000)}}`],
      ['nested field errors', `{"status":"error","message":{"key":${'['.repeat(30_000)}${']'.repeat(30_000)}}}`],
      [
        'a nested object anywhere',
        `{"status":"success","message":"Cache cleared","extra":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`,
      ],
    ])('%s nested thousands deep is an invalid answer, sent once, not a connection failure', async (_name, body) => {
      answer(200, body);
      const result = await api().clearCache(KEY);
      expect(result.outcome).toEqual({ kind: 'http-error', status: 200, answer: 'too-deep' });
      expect(result.attempts).toBe(1);
      expect(sd.requests).toHaveLength(1);
    });
  });

  it('a 200 that is JSON but not the documented success is not a success', async () => {
    sd.setResponder(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"status":"ok"}' }));
    expect((await api().clearCache(KEY)).outcome.kind).toBe('api-error');
    sd.setResponder(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '[1,2]' }));
    expect((await api().clearCache(KEY)).outcome).toEqual({
      kind: 'http-error',
      status: 200,
      answer: 'undocumented-json',
    });
  });
});

const tlsCanRun = tlsTestsCanRun('the API client over HTTPS');
describe.skipIf(!tlsCanRun)('the Stable Diffusion API client over HTTPS (an API that offers HTTP/2)', () => {
  // Made only where openssl is (a skipped describe's body still runs).
  const ca = tlsCanRun ? makeRunCa() : { cert: '', key: '', caFile: '', remove: () => undefined };
  let handshakes = 0;
  let connections = 0;
  const held: Array<() => void> = [];
  const server = createSecureServer(
    { cert: ca.cert, key: ca.key, allowHTTP1: true },
    (req: Http2ServerRequest, res: Http2ServerResponse) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => {
        const answer = () =>
          res.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              status: 'success',
              message: `cleared ${(JSON.parse(body) as { key: string }).key.slice(0, 6)}`,
            }),
          );
        // A key starting "slow" is answered only when the test says so.
        if (body.includes('"slow')) held.push(answer);
        else answer();
      });
    },
  );
  server.on('secureConnection', () => (handshakes += 1));
  server.on('connection', () => (connections += 1));
  let baseUrl = '';
  const dispatcher = createConnectionPool(tlsCanRun ? { tls: { ca: readFileSync(ca.caFile) } } : {});

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });
  afterAll(async () => {
    await dispatcher.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    ca.remove();
  });

  it('reuses one connection (one TLS handshake) for a burst of clears and the calls after it', async () => {
    const api = createSdApi({ baseUrl, timeoutMs: 5000, dispatcher });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => api.clearCache(`key${String(i).padStart(3, '0')}-abcdefgh`)),
    );
    expect(results.map((r) => r.outcome)).toEqual(
      Array.from({ length: 40 }, (_, i) => ({ kind: 'ok', message: `cleared key${String(i).padStart(3, '0')}` })),
    );
    await api.clearCache('after-abcdefgh');
    expect(handshakes).toBe(1);
    expect(connections).toBe(1);
  });

  it('answers a clear sent while another waits on a slow answer on that connection, without waiting for it', async () => {
    const api = createSdApi({ baseUrl, timeoutMs: 5000, dispatcher });
    const slow = api.clearCache('slow-key-abcdefgh');
    await expect.poll(() => held.length).toBe(1);
    expect((await api.clearCache('quick-key-abcdefgh')).outcome).toEqual({ kind: 'ok', message: 'cleared quick-' });
    held.shift()?.();
    expect((await slow).outcome).toEqual({ kind: 'ok', message: 'cleared slow-k' });
    expect(connections).toBe(1);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
