/**
 * A loopback stand-in for the Stable Diffusion API (ModelsLab) `POST {base}/v5/clear_cache` and
 * `POST {base}/wallet_balance` (one account: the modes apply to both, as the rate limit does).
 *
 *   const sd = await startSdApiStandIn({ latencyMs: 0 });
 *   sd.baseUrl                                  // "http://127.0.0.1:PORT/api"
 *   sd.setMode('rate-limited');                 // every request from now on
 *   sd.setMode('success', { key: 'k1' });       // requests whose body key is "k1" (beats the default)
 *   sd.setMode('html-502', { times: 2 });       // the next 2 requests, then back to the previous mode
 *   sd.setResponder((req) => ({ status: 200, body: '{}' }));  // escape hatch; null to remove
 *   sd.setLatency(50);                          // delay before each answer (ms)
 *   sd.setBalance(43.6, 'USD');                 // what wallet_balance's success says
 *   await sd.waitForRequests(3, 2_000);         // resolves with sd.requests once 3 have arrived
 *   const gate = sd.hold();                     // answers wait (recorded, mode chosen) until...
 *   gate.release();                             // ...a test has seen what it waits for: no race with a latency
 *   sd.requests[0]?.json                        // { key: "..." }
 *   await sd.close();                           // ends hanging requests, closes every socket
 *
 * Every answer body is the one documented in /work/shared/API.md (see SD_ANSWERS). Like the real
 * API, a body that is not JSON or carries no string `key` gets the 'validation' answer whatever the
 * mode (a custom responder sees everything first). A mode set without `times` replaces that
 * scope's mode and drops its pending one-shots; one-shots queue in order. Other paths or methods
 * get an HTML 404. `at` times are performance.now() milliseconds.
 */
import { createServer, type IncomingMessage, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createWaits } from './wait.js';

export const SD_MODES = [
  'success',
  'invalid-key-200',
  'invalid-key-401',
  'no-credits',
  'plan',
  'rate-limited',
  'rate-limited-legacy',
  'failed',
  'processing',
  'messege',
  'validation',
  'error-200',
  'html-500',
  'html-502',
  'html-503',
  'empty-504',
  'not-json-200',
  'hang',
  'drop',
] as const;
export type SdMode = (typeof SD_MODES)[number];

export interface SdAnswer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface SdRecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: unknown;
  /** performance.now() when the request arrived. */
  at: number;
  /** What the stand-in chose: a mode, 'responder', or 'not-found'. */
  answeredWith: SdMode | 'responder' | 'not-found';
  /** performance.now() when the answer was written (or the connection dropped); undefined until then, and for 'hang'. */
  answeredAt?: number;
  /** performance.now() when the connection that carried it closed (by either side); undefined while open. */
  closedAt?: number;
}

export type SdResponder = (req: SdRecordedRequest) => SdAnswer | Promise<SdAnswer>;

export interface SdApiStandIn {
  readonly baseUrl: string;
  readonly requests: readonly SdRecordedRequest[];
  setMode(mode: SdMode, opts?: { key?: string; times?: number }): void;
  setResponder(responder: SdResponder | null): void;
  setLatency(ms: number): void;
  setBalance(balance: number, currency: string): void;
  waitForRequests(n: number, timeoutMs?: number): Promise<readonly SdRecordedRequest[]>;
  /** Resolves once the connection that carried `request` has closed (a client that drops an answer closes it). */
  waitForClose(request: SdRecordedRequest, timeoutMs?: number): Promise<void>;
  /**
   * Holds every answer (to requests already waiting and to later ones) until `release()`: a test
   * that needs a request in flight while something else happens opens the gate on that event
   * instead of hoping a latency outlasts it. close() releases too.
   */
  hold(): { release(): void };
  close(): Promise<void>;
}

const json = (status: number, body: unknown): SdAnswer => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const html = (status: number, title: string): SdAnswer => ({
  status,
  headers: { 'content-type': 'text/html; charset=UTF-8' },
  body: `<!DOCTYPE html>\n<html><head><title>${status} ${title}</title></head><body><h1>${title}</h1></body></html>\n`,
});
const INVALID_KEY = {
  status: 'error',
  message: 'Invalid Api Key',
  tip: '1. Make sure you are passing Content-Type: application/json in header. 2. Make sure you are doing POST request with valid JSON. 3. Make sure your JSON does not have error, use jsonlint to validate json array. 4. Make sure you have valid API key.',
};

/** The canned answer for each mode ('hang' and 'drop' never answer, so they have none). */
export const SD_ANSWERS: Readonly<Record<Exclude<SdMode, 'hang' | 'drop'>, SdAnswer>> = {
  success: json(200, { status: 'success', message: 'Cache cleared' }),
  'invalid-key-200': json(200, INVALID_KEY),
  'invalid-key-401': json(401, INVALID_KEY),
  'no-credits': json(402, { status: 'error', message: 'Insufficient credits. Please add more credits to continue.' }),
  plan: json(403, { status: 'error', message: 'This feature requires a premium subscription' }),
  'rate-limited': json(429, {
    status: 'error',
    message: 'Rate limit exceeded. Maximum 5 queued requests allowed.',
    retry_after: 30,
  }),
  'rate-limited-legacy': json(200, {
    status: 'error',
    message: 'Rate limit exceeded',
    tips: 'You have reached the maximum number of queued requests, please wait for 30 seconds',
  }),
  failed: json(200, { status: 'failed', message: 'Failed, Try Again' }),
  processing: json(200, { status: 'processing', id: 123, eta: 30, message: 'Your request is being processed' }),
  messege: json(200, { status: 'error', messege: 'Some legacy error' }),
  validation: json(400, { status: 'error', message: { key: ['The key field is required.'] } }),
  'error-200': json(200, { status: 'error', message: 'Something went wrong' }),
  'html-500': html(500, 'Internal Server Error'),
  'html-502': html(502, 'Bad Gateway'),
  'html-503': html(503, 'Service Unavailable'),
  'empty-504': { status: 504, body: '' },
  'not-json-200': {
    status: 200,
    headers: { 'content-type': 'text/plain; charset=UTF-8' },
    body: 'Cache cleared (not JSON)',
  },
};

/** Per scope (default, or one key): a lasting mode plus one-shot overrides used up first. */
interface ModeScope {
  lasting?: SdMode;
  temporary: Array<{ mode: SdMode; remaining: number }>;
}

const CLEAR_CACHE_PATH = '/api/v5/clear_cache';
const WALLET_PATH = '/api/wallet_balance';
export const DEFAULT_BALANCE = { balance: 43.6, currency: 'USD' } as const;

export async function startSdApiStandIn(opts: { latencyMs?: number } = {}): Promise<SdApiStandIn> {
  const requests: SdRecordedRequest[] = [];
  const defaultScope: ModeScope = { lasting: 'success', temporary: [] };
  const keyScopes = new Map<string, ModeScope>();
  let responder: SdResponder | null = null;
  let latencyMs = opts.latencyMs ?? 0;
  let wallet: { balance: number; currency: string } = { ...DEFAULT_BALANCE };
  let closed = false;
  const sockets = new Set<Socket>();
  /** The requests each open connection has carried (keep-alive: several), to mark them when it closes. */
  const carried = new Map<Socket, SdRecordedRequest[]>();
  const hanging = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  const gates = new Set<() => void>();
  let held: Promise<void> = Promise.resolve();
  const waits = createWaits('SD stand-in');
  const arrivals = waits.topic();

  /** Takes the mode for this request, using up a one-shot override if one applies. */
  function takeMode(scope: ModeScope): SdMode | undefined {
    const temp = scope.temporary[0];
    if (temp) {
      temp.remaining -= 1;
      if (temp.remaining <= 0) scope.temporary.shift();
      return temp.mode;
    }
    return scope.lasting;
  }

  function chooseMode(key: string): SdMode {
    const scope = keyScopes.get(key);
    return (scope && takeMode(scope)) ?? takeMode(defaultScope) ?? 'success';
  }

  function send(res: ServerResponse, answer: SdAnswer): void {
    res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
    res.end(answer.body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = performance.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawBody);
    } catch {
      parsed = undefined;
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const record: SdRecordedRequest = {
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      rawBody,
      json: parsed,
      at,
      answeredWith: 'not-found',
    };
    if (req.socket.destroyed) record.closedAt = performance.now();
    else carried.get(req.socket)?.push(record);

    let answer: SdAnswer | 'hang' | 'drop';
    if (responder) {
      record.answeredWith = 'responder';
      answer = await responder(record);
    } else if ((path !== CLEAR_CACHE_PATH && path !== WALLET_PATH) || record.method !== 'POST') {
      answer = html(404, 'Not Found');
    } else {
      const key = keyOf(parsed);
      // The real API validates the body before anything else, so a bad body never uses up a mode.
      const mode: SdMode = key === undefined ? 'validation' : chooseMode(key);
      record.answeredWith = mode;
      answer = mode === 'hang' || mode === 'drop' ? mode : SD_ANSWERS[mode];
      // The documented success of wallet_balance; every failure has the shape clear_cache's has.
      if (mode === 'success' && path === WALLET_PATH) answer = json(200, { status: 'success', data: wallet });
    }
    requests.push(record);
    waits.notify(arrivals);

    if (latencyMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, latencyMs);
        timers.add(timer);
      });
    }
    await held;
    if (closed || res.destroyed) return;
    if (answer === 'hang') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
    } else if (answer === 'drop') {
      record.answeredAt = performance.now();
      req.socket.destroy();
    } else {
      record.answeredAt = performance.now();
      send(res, answer);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) send(res, { status: 500, body: String(error) });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    carried.set(socket, []);
    socket.on('close', () => {
      sockets.delete(socket);
      const at = performance.now();
      for (const record of carried.get(socket) ?? []) record.closedAt = at;
      carried.delete(socket);
      waits.notify(arrivals);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/api`,
    requests,
    setMode(mode, { key, times } = {}) {
      let scope = defaultScope;
      if (key !== undefined) {
        scope = keyScopes.get(key) ?? { temporary: [] };
        keyScopes.set(key, scope);
      }
      if (times === undefined) {
        scope.lasting = mode;
        scope.temporary = [];
      } else if (times > 0) {
        scope.temporary.push({ mode, remaining: times });
      }
    },
    setResponder(next) {
      responder = next;
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    setBalance(balance, currency) {
      wallet = { balance, currency };
    },
    waitForRequests(n, timeoutMs = 5_000) {
      const probe = (): readonly SdRecordedRequest[] | undefined => (requests.length >= n ? requests : undefined);
      return waits.until(arrivals, probe, timeoutMs, `${n} request(s)`, () => `got ${requests.length}`);
    },
    waitForClose(request, timeoutMs = 5_000) {
      return waits
        .until(
          arrivals,
          () => (request.closedAt === undefined ? undefined : true),
          timeoutMs,
          `close of the connection of the request at ${request.at.toFixed(0)} ms`,
        )
        .then(() => undefined);
    },
    hold() {
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const release = (): void => {
        gates.delete(release);
        open();
      };
      gates.add(release);
      // Answers wait for every gate held now; a gate released early lets nothing through alone.
      held = Promise.all([held, gate]).then(() => undefined);
      return { release };
    },
    async close() {
      if (closed) return;
      closed = true;
      waits.closeAll();
      for (const timer of timers) clearTimeout(timer);
      for (const release of [...gates]) release();
      for (const res of hanging) res.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function keyOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('key' in body)) return undefined;
  const { key } = body as { key: unknown };
  return typeof key === 'string' && key.length > 0 ? key : undefined;
}
