/**
 * What the person hosting the bot can watch, in Prometheus' text format (prom-client): interactions
 * by command and outcome, time to acknowledgement and to the final reply, API calls by outcome
 * with their latency and retries, cooldown refusals, store errors and latency, gateway state per
 * shard, and the default process metrics. Every label value comes from a fixed set (command names
 * the bot has, outcome kinds, operations, shard numbers): never a guild or user id. Served by
 * `metricsHandler` on the HTTP server.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RecordStore } from './core/records.js';
import type { LimitReason } from './http/guard.js';
import { sendJson } from './http/server.js';
import type { ClearResult } from './core/sdapi.js';
import type { Outcome } from './interactions/outcome.js';
import type { InteractionMeasure } from './interactions/pipeline.js';

/** Every outcome is a label value: a new one fails the type check until it is named here. */
const OUTCOME_LABELS = {
  ok: true,
  'form-opened': true,
  'not-understood': true,
  refused: true,
  cooldown: true,
  dm: true,
  'unknown-command': true,
  'invalid-input': true,
  'store-error': true,
  'damaged-record': true,
  error: true,
  'no-key': true,
  'unreadable-key': true,
  busy: true,
  'key-refused': true,
  'key-unchecked': true,
  'invalid-key': true,
  'no-credits': true,
  plan: true,
  'rate-limited': true,
  processing: true,
  'api-error': true,
  'http-error': true,
  timeout: true,
  network: true,
} as const satisfies Record<Outcome, true>;
/** Outcomes outside this set (there can be none but a forged or stale value) are counted as 'other'. */
const OUTCOMES: Set<string> = new Set(Object.keys(OUTCOME_LABELS));
const ACKS = new Set(['reply', 'defer', 'expired', 'failed']);
const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 30];
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 3];

export interface Metrics {
  readonly registry: Registry;
  interaction(measure: InteractionMeasure): void;
  apiCall(result: ClearResult): void;
  shard(shard: number, up: boolean): void;
  /** An HTTP client cut to keep the server's limits, or turned away because nothing could be cut. */
  httpLimit(action: 'shed' | 'refused', reason: LimitReason): void;
  /** A signed interaction whose id was already received: not answered again. */
  replay(): void;
  /** Where the open connections and body bytes held are read from at each scrape. */
  watchHttp(stats: () => { connections: number; bufferedBytes: number }): void;
  /** The same store, timed, with its failures counted. */
  instrumentStore<S extends RecordStore>(store: S): S;
}

export function createMetrics(commandNames: Iterable<string>): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const known = new Set(commandNames);
  const label = (value: string, allowed: Set<string>, other: string) => (allowed.has(value) ? value : other);

  const interactions = new Counter({
    name: 'sdbot_interactions_total',
    help: 'Interactions answered, by command and outcome',
    labelNames: ['command', 'outcome'],
    registers: [registry],
  });
  const acks = new Histogram({
    name: 'sdbot_interaction_ack_seconds',
    help: 'Time from an interaction arriving to its first response (the reply itself, or a deferral)',
    labelNames: ['ack'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const replies = new Histogram({
    name: 'sdbot_interaction_reply_seconds',
    help: 'Time from an interaction arriving to its final answer being delivered',
    labelNames: ['command'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const cooldowns = new Counter({
    name: 'sdbot_cooldown_refusals_total',
    help: 'Commands refused because the server is in its cooldown',
    labelNames: ['command'],
    registers: [registry],
  });
  const apiCalls = new Counter({
    name: 'sdbot_api_calls_total',
    help: 'Clear-cache requests to the Stable Diffusion API, by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const apiSeconds = new Histogram({
    name: 'sdbot_api_call_seconds',
    help: 'Latency of clear-cache calls to the API, retries included',
    labelNames: ['outcome'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const retries = new Counter({
    name: 'sdbot_api_retries_total',
    help: 'Retries of clear-cache calls after a connection failure or a 502/503/504',
    registers: [registry],
  });
  const storeErrors = new Counter({
    name: 'sdbot_store_errors_total',
    help: 'Store operations that failed',
    labelNames: ['operation'],
    registers: [registry],
  });
  const storeSeconds = new Histogram({
    name: 'sdbot_store_operation_seconds',
    help: 'Latency of store operations',
    labelNames: ['operation'],
    buckets: STORE_BUCKETS,
    registers: [registry],
  });
  const shed = new Counter({
    name: 'sdbot_http_shed_total',
    help: 'HTTP clients cut to keep the limits: past a deadline, or the longest-waiting one when connections or body bytes ran short',
    labelNames: ['reason'],
    registers: [registry],
  });
  const refused = new Counter({
    name: 'sdbot_http_refused_total',
    help: 'HTTP connections or requests turned away because nothing could be cut to make room',
    labelNames: ['reason'],
    registers: [registry],
  });
  const replays = new Counter({
    name: 'sdbot_http_replays_total',
    help: 'Signed interactions received again (same id) and not answered again',
    registers: [registry],
  });
  let httpStats: (() => { connections: number; bufferedBytes: number }) | undefined;
  new Gauge({
    name: 'sdbot_http_connections',
    help: 'Open HTTP connections',
    registers: [registry],
    collect() {
      this.set(httpStats?.().connections ?? 0);
    },
  });
  new Gauge({
    name: 'sdbot_http_body_bytes',
    help: 'Request-body bytes held in memory',
    registers: [registry],
    collect() {
      this.set(httpStats?.().bufferedBytes ?? 0);
    },
  });
  const shards = new Gauge({
    name: 'sdbot_gateway_shard_up',
    help: 'Whether a gateway shard of this process is connected (1) or not (0)',
    labelNames: ['shard'],
    registers: [registry],
  });

  // Labelled children made once and kept: prom-client would otherwise hash the labels on every call.
  const made = new WeakMap<object, Map<string, unknown>>();
  function child(metric: Counter, labels: Record<string, string>): { inc(value?: number): void };
  function child(metric: Histogram, labels: Record<string, string>): { observe(value: number): void };
  function child(metric: Counter | Histogram, labels: Record<string, string>): unknown {
    let byLabels = made.get(metric);
    if (!byLabels) {
      byLabels = new Map();
      made.set(metric, byLabels);
    }
    const id = Object.values(labels).join('\u0000');
    let found = byLabels.get(id);
    if (!found) {
      found = metric.labels(labels);
      byLabels.set(id, found);
    }
    return found;
  }

  const timed = async <T>(operation: string, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await run();
    } catch (error) {
      child(storeErrors, { operation }).inc();
      throw error;
    } finally {
      child(storeSeconds, { operation }).observe((performance.now() - started) / 1000);
    }
  };

  return {
    registry,
    interaction({ command, outcome, ack, ackSeconds, replySeconds }) {
      const name = label(command, known, 'unknown');
      child(interactions, { command: name, outcome: label(outcome, OUTCOMES, 'other') }).inc();
      if (outcome === 'cooldown') child(cooldowns, { command: name }).inc();
      if (ackSeconds !== undefined) child(acks, { ack: label(ack, ACKS, 'other') }).observe(ackSeconds);
      if (replySeconds !== undefined) child(replies, { command: name }).observe(replySeconds);
    },
    apiCall(result) {
      const outcome = label(result.outcome.kind, OUTCOMES, 'other');
      child(apiCalls, { outcome }).inc();
      child(apiSeconds, { outcome }).observe(result.latencyMs / 1000);
      if (result.attempts > 1) retries.inc(result.attempts - 1);
    },
    shard(shard, up) {
      shards.set({ shard: String(shard) }, up ? 1 : 0);
    },
    httpLimit(action, reason) {
      child(action === 'shed' ? shed : refused, { reason }).inc();
    },
    replay() {
      replays.inc();
    },
    watchHttp(stats) {
      httpStats = stats;
    },
    instrumentStore(store) {
      // A thin wrapper over the same object, so everything else the store offers stays as it is.
      return Object.assign(Object.create(store) as typeof store, {
        read: (key: string) => timed('read', () => store.read(key)),
        write: (key: string, value: unknown, version: string | undefined) =>
          timed('write', () => store.write(key, value, version)),
      });
    },
  };
}

/** `GET /metrics`: the Prometheus scrape, behind a bearer token when METRICS_TOKEN is set. */
function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const wanted = Buffer.from(token);
  // Compared in constant time, so the answer's timing says nothing about how much of it was right.
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

export function metricsHandler(registry: Registry, token: string | undefined) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (token !== undefined && !tokenMatches(req.headers.authorization, token)) {
      res.setHeader('www-authenticate', 'Bearer');
      return sendJson(res, 401, { error: 'a bearer token is required (METRICS_TOKEN)' });
    }
    const text = await registry.metrics();
    res.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(text) }).end(text);
  };
}
