/**
 * `npm run bench`: every part below runs on two rigs, the TLS one first (the headline: production
 * is HTTPS over the internet), then the plain one (BENCH_RIGS=tls,plain picks; issue 18):
 *  - tls: the same stand-ins behind HTTPS and WSS fronts (test/bench/tls-rig.ts): the Discord
 *    stand-in's REST over HTTPS and its gateway over WSS, the API stand-in over HTTPS, HTTP/2 and
 *    HTTP/1.1 offered by ALPN (BENCH_TLS_H2=0: HTTP/1.1 only), with a certificate from a CA made
 *    for the run by openssl and handed to every bot process the same way (NODE_EXTRA_CA_CERTS);
 *    each request waits BENCH_RTT_MS (20) for the round trip (half before the stand-in sees it,
 *    half after it answered), each new connection twice that (TCP + TLS 1.3 handshakes), a
 *    WebSocket's bytes half of it each way. The fronts count, per origin (Discord REST, gateway,
 *    API): new TCP connections, TLS handshakes (and resumed ones), requests (and HTTP/2 ones);
 *    the tables show them per burst (and from start to the burst). HTTP bots still receive their
 *    interactions as plain HTTP on loopback (a TLS proxy in front of a bot ends those in production).
 *  - plain: the stand-ins as they are, HTTP and ws:// on loopback, no added delay.
 * Targets printed for the TLS rig (issue 18, against the direct-reply bot): CPU per interaction
 * <= 0.6x, TLS handshakes per burst <= 0.1x, final reply p99 <= 0.8x (API at 100 ms); RSS after
 * ready < 100 MiB; HTTP mode against the example-app bot: CPU <= 0.6x, final reply p99 <= 0.8x.
 *
 * Our bot (dist/src/bin/start.js, as users run it) against the two bots the
 * discord.js guide teaches (test/bench/reference-bot.mjs, plain JavaScript under plain `node`):
 *  - direct: answers with one `interaction.reply()` once the API has answered;
 *  - defer:  `deferReply()` at once, then `editReply()` with the answer.
 * Every bot is started fresh for every scenario of every round, against fresh loopback stand-ins
 * (test/support/discord-standin.ts, sdapi-standin.ts) and a fresh temp database. Prints every figure
 * and the ratios ours/direct and ours/defer (lower is better for every row), and the issue's
 * targets against the direct bot; asserts nothing, but lists every interaction that failed or
 * missed Discord's 3 s callback deadline, and says so when a bot exits on its own.
 *
 * Workload (deterministic: fixed server ids, a seeded choice of servers, keys and send order):
 *  - Discord stand-in with 2,000 servers x 50 text channels x 30 roles (25 members each). Our bot
 *    identifies with no intents, the guide bots with GUILDS, so only they get (and cache) the
 *    2,000 GUILD_CREATEs.
 *  - Spawn -> ready line; CPU used until then; RSS (VmRSS) 1 s after ready.
 *  - 300 servers get an API key: ours through real `/apikey set key:<k>` interactions from an
 *    Administrator, one after another (each answer awaited); the guide bots' Keyv store is filled
 *    before they start (they have no such command).
 *  - Scenario api100: 300 `/clearcache` from those 300 servers sent at once, the API stand-in
 *    answering in 100 ms. Scenario api2500: the same burst with the API at 2.5 s, where a bot
 *    that waits for the API before its first callback meets Discord's deadline narrowly or not
 *    at all (the Discord stand-in refuses callbacks later than 3 s, as Discord does).
 *    Per interaction: acknowledgement (the first accepted callback) and visible-answer latency
 *    from its send; p50/p99 over all 300, an interaction never acknowledged or never answered
 *    counting as "never". Wall time first send -> last answer. CPU per interaction: the bot's
 *    user+system CPU (all threads, and the main thread alone, from /proc) from the first send to
 *    the last answer, divided by 300. Every answer must be the public "Cache cleared" embed and
 *    the API must have seen that server's key.
 *  - RSS 1 s after the burst, and the peak (VmHWM).
 * Our bot runs with LOG_LEVEL=info (its default: one JSON line per interaction),
 * CLEARCACHE_COOLDOWN_S=0, SD_API_TIMEOUT_MS=10000.
 *
 * Five rounds by default (BENCH_ROUNDS); each round runs both scenarios, the bots' order rotating.
 * The table shows the median of the rounds with their range; the ratio columns are the median of
 * the per-round ratios (bots of one round ran minutes apart at most on the same noisy machine).
 * Loopback timings on a 2-core machine are noisy (the stand-ins share the cores with the bot):
 * read the ranges before a single figure.
 *
 * Knobs: BENCH_RIGS=tls,plain  BENCH_RTT_MS=20  BENCH_TLS_H2=1 (0: the fronts offer HTTP/1.1 only)
 *        BENCH_ROUNDS=5 (1 for a quick run)  BENCH_LOG_LEVEL=info (our LOG_LEVEL: info, debug or trace)
 *        BENCH_BOTS=ours,direct,defer  BENCH_SCENARIOS=api100,api2500 (a subset, to investigate)
 *        BENCH_JSON=<file> (raw figures and per-interaction times, one object per rig and part: "tls:gateway", "plain:http"...)
 *        BENCH_NODE_ARGS=<flags> (extra node flags for every bot run, e.g.
 *          "--cpu-prof --cpu-prof-dir=/tmp/prof"; the report then names each run's profile and the
 *          burst's window for test/bench/profile-summary.ts)
 *        BENCH_OUR_ENTRY=<file> (another build of our bot instead of dist/src/bin/start.js, for an A/B)
 * To profile our bot in the 100 ms burst alone:
 *   BENCH_ROUNDS=1 BENCH_BOTS=ours BENCH_SCENARIOS=api100 BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench
 * Bounded: every wait has a timeout, and the whole run gives up after a limit that grows with the
 * rounds (printed at the start); child processes are killed on every way out.
 *
 * ---- `npm run bench -- --http` (or BENCH_MODE=http): HTTP interactions (issue 9)
 * The Discord stand-in delivers every interaction as a signed POST (Ed25519, its own key pair) to
 * the bot's endpoint, and takes the HTTP response as the callback (the 3 s deadline applies to it).
 * Bots, each fresh every round (process, stand-ins, temp database), the order rotating:
 *  - ours-http:    dist/src/bin/start.js, INTERACTIONS_MODE=http (HTTP_PORT=0, the port read from the
 *                  ready line), the npm start node flags; keys set through 300 /apikey set over HTTP;
 *  - example:      test/bench/example-http-bot.mjs, written as Discord's example app is (express,
 *                  discord-interactions' verifyKeyMiddleware, type 4 in the HTTP response once the
 *                  API call (fetch) has answered, keys in Keyv + @keyv/sqlite filled before it starts);
 *  - ours-gateway: our bot in gateway mode, the same burst through the gateway (as the default run).
 * Per HTTP bot: the burst (300 /clearcache at once, API at 100 ms), then a paced run: BENCH_RATE
 * (100) per second for BENCH_SECONDS (10), each send at its scheduled time, the keyed servers in
 * turn. Figures: ack and final-reply p50/p99, wall time, answers per second of wall time (the rate
 * kept), CPU per interaction (all threads, main thread), answers per CPU-second (all threads: what
 * one core spent wholly on the bot would answer per second), RSS after ready / burst / paced run,
 * and the ratios ours-http/example and ours-http/ours-gateway; the targets (printed, never
 * asserted): burst final reply p99 <= 0.8x example and <= 0.5x ours-gateway, CPU per interaction
 * <= 0.8x example.
 * Knobs: BENCH_ROUNDS, BENCH_LOG_LEVEL, BENCH_NODE_ARGS, BENCH_OUR_ENTRY, BENCH_JSON as above;
 *        BENCH_HTTP_BOTS=ours-http,example,ours-gateway  BENCH_RATE=100  BENCH_SECONDS=10
 *
 * ---- `npm run bench -- --scale` (or BENCH_MODE=scale): several processes on one store (issue 10)
 * Our bot in http mode on a server store (a fresh PostgreSQL database, and a fresh Redis logical
 * database; ENCRYPTION_KEY shared), as 1 process and as 2 processes started one after the other:
 * keys set through process 1's /apikey set, then the burst (300 at once, API at 100 ms) sent
 * round-robin to the processes' endpoints (the stand-in's per-interaction endpoint, as a load
 * balancer). Figures: final reply p50/p99, wall time, answers per second, CPU per interaction
 * (summed over the processes), RSS, and the ratio 2 processes / 1. A store whose server cannot be
 * reached is skipped with a line (test/support/servers.ts; TEST_POSTGRES_URL, TEST_REDIS_URL).
 * Every database made is dropped (Redis: flushed) after its run, and on an interrupted run's way out.
 * Knobs: BENCH_ROUNDS, BENCH_LOG_LEVEL, BENCH_NODE_ARGS, BENCH_OUR_ENTRY, BENCH_JSON;
 *        BENCH_STORES=postgres,redis
 *
 *   BENCH_ROUNDS=1 npm run bench -- --http        BENCH_ROUNDS=1 BENCH_STORES=postgres npm run bench -- --scale
 * Both flags together run both parts, HTTP first.
 *
 * ---- `npm run bench -- --scrub` (or BENCH_MODE=scrub): the log scrubber, in this process
 * SecretSet.scrubLine on one 200-word line with 1, 100, 1,000 and 10,000 keys held, all sharing a
 * prefix: microseconds per line and the ratio to one key (see scrub-bench.ts). Knob: BENCH_ROUNDS.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import {
  BOT_KINDS,
  type BotKind,
  PLAIN,
  RIG_KINDS,
  type Rig,
  type RigKind,
  RTT_MS,
  SCENARIOS,
  type Scenario,
  makeWorkload,
  measureBot,
} from './bench.js';
import { HTTP_BOT_KINDS, type HttpBotKind, type Pace, measureHttpBot } from './http-bench.js';
import { STORE_KINDS, type StoreKind, WORKER_COUNTS, measureScale } from './scale-bench.js';
import { scrubMain } from './scrub-bench.js';
import { type HttpResults, printHttpHeader, reportHttp } from './http-report.js';
import { type ScaleResults, printScaleHeader, reportScale } from './scale-report.js';
import { abandonRun } from './proc.js';
import { type Results, printHeader, report } from './report.js';
import { type RunCa, makeRunCa } from './tls-rig.js';

/** One bot run takes 5-15 s here; the limit allows for a machine several times slower. */
const RUN_BUDGET_MS = 45_000;
const FIXED_BUDGET_MS = 60_000;

function subset<T extends string>(variable: string, all: readonly T[]): T[] {
  const raw = process.env[variable];
  if (!raw) return [...all];
  const chosen = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = chosen.filter((c) => !all.includes(c as T));
  if (unknown.length > 0 || chosen.length === 0)
    throw new Error(`${variable} must be a comma-separated subset of ${all.join(',')}`);
  return all.filter((a) => chosen.includes(a));
}

/** How a rig is named in the printout. */
export function rigTitle(rig: Rig): string {
  return rig.kind === 'plain'
    ? 'PLAIN rig: HTTP and ws:// on loopback, no added delay'
    : `TLS rig: HTTPS (${rig.h2 ? 'HTTP/2 or HTTP/1.1 by ALPN' : 'HTTP/1.1 only'}) and WSS fronts, a CA made for the run (NODE_EXTRA_CA_CERTS), ${rig.rttMs} ms round trip per request, ${2 * rig.rttMs} ms per new connection (TCP + TLS 1.3)`;
}

async function main(rounds: number, bots: BotKind[], scenarios: Scenario[], rig: Rig): Promise<Results> {
  const started = performance.now();
  console.log(`==== ${rigTitle(rig)}`);
  const logLevel = process.env.BENCH_LOG_LEVEL ?? 'info';
  // The ready line is an info line: above info the benchmark could not see our bot become ready.
  if (!['info', 'debug', 'trace'].includes(logLevel))
    throw new Error('BENCH_LOG_LEVEL must be info, debug or trace (the ready line is logged at info)');
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const ourEntry = process.env.BENCH_OUR_ENTRY;
  printHeader(rounds, bots, scenarios);
  const workload = makeWorkload();
  const results = Object.fromEntries(scenarios.map((s) => [s.name, {}])) as Results;
  let run = 0;
  for (let round = 0; round < rounds; round++) {
    // Alternate the scenarios and rotate the bots, so no bot always meets a colder or warmer machine.
    const order = round % 2 === 0 ? scenarios : [...scenarios].reverse();
    for (const scenario of order) {
      const shift = run++ % bots.length;
      for (const kind of [...bots.slice(shift), ...bots.slice(0, shift)]) {
        process.stdout.write(`round ${round + 1}/${rounds} ${scenario.name}: ${kind}... `);
        const t = performance.now();
        const figures = await measureBot(kind, scenario, workload, {
          logLevel,
          nodeArgs,
          rig,
          ...(ourEntry ? { ourEntry } : {}),
        });
        results[scenario.name][kind] = [...(results[scenario.name][kind] ?? []), figures];
        const { late, failures } = figures.burst;
        const trouble = [
          late.length ? `${late.length} late` : '',
          failures.length ? `${failures.length} failed` : '',
          figures.exit ? `exited ${figures.exit.code}` : '',
        ].filter(Boolean);
        console.log(
          `${((performance.now() - t) / 1000).toFixed(1)} s${trouble.length ? ` (${trouble.join(', ')})` : ''}`,
        );
      }
    }
  }
  report(results, { rounds, bots, scenarios, logLevel, nodeArgs, totalMs: performance.now() - started, rig });
  return results;
}

interface Common {
  rounds: number;
  logLevel: string;
  nodeArgs: string[];
  ourEntry: string | undefined;
}

function measureOptions(c: Common, rig: Rig) {
  return { logLevel: c.logLevel, nodeArgs: c.nodeArgs, rig, ...(c.ourEntry ? { ourEntry: c.ourEntry } : {}) };
}

function trouble(burst: { late: unknown[]; failures: unknown[] }, exit: unknown): string {
  const t = [
    burst.late.length ? `${burst.late.length} late` : '',
    burst.failures.length ? `${burst.failures.length} failed` : '',
    exit ? 'exited' : '',
  ].filter(Boolean);
  return t.length ? ` (${t.join(', ')})` : '';
}

async function httpMain(c: Common, bots: HttpBotKind[], pace: Pace, rig: Rig): Promise<HttpResults> {
  const started = performance.now();
  console.log(`==== ${rigTitle(rig)}`);
  printHttpHeader(c.rounds, bots, pace);
  const workload = makeWorkload();
  const results: HttpResults = {};
  for (let round = 0; round < c.rounds; round++) {
    const shift = round % bots.length;
    for (const kind of [...bots.slice(shift), ...bots.slice(0, shift)]) {
      process.stdout.write(`round ${round + 1}/${c.rounds} http: ${kind}... `);
      const t = performance.now();
      const f = await measureHttpBot(kind, workload, pace, measureOptions(c, rig));
      results[kind] = [...(results[kind] ?? []), f];
      console.log(
        `${((performance.now() - t) / 1000).toFixed(1)} s${trouble(f.burst, f.exit)}${f.sustained ? `; paced${trouble(f.sustained, undefined)}` : ''}`,
      );
    }
  }
  reportHttp(results, bots, c.rounds, pace, performance.now() - started, c.nodeArgs, rig);
  return results;
}

async function scaleMain(c: Common, stores: StoreKind[], rig: Rig): Promise<ScaleResults> {
  const started = performance.now();
  printScaleHeader(c.rounds, stores);
  const workload = makeWorkload();
  const results: ScaleResults = {};
  let run = 0;
  for (let round = 0; round < c.rounds; round++) {
    for (const store of round % 2 === 0 ? stores : [...stores].reverse()) {
      const counts = run++ % 2 === 0 ? [...WORKER_COUNTS] : [...WORKER_COUNTS].reverse();
      for (const workers of counts) {
        process.stdout.write(`round ${round + 1}/${c.rounds} ${store}, ${workers} process(es)... `);
        const t = performance.now();
        const f = await measureScale(store, workers, workload, measureOptions(c, rig));
        results[store] ??= {};
        results[store][workers] = [...(results[store][workers] ?? []), f];
        console.log(f ? `${((performance.now() - t) / 1000).toFixed(1)} s${trouble(f.burst, f.exit)}` : 'skipped');
      }
    }
  }
  reportScale(results, stores, c.rounds, performance.now() - started);
  return results;
}

type Mode = 'gateway' | 'http' | 'scale' | 'scrub';
const MODES: readonly Mode[] = ['gateway', 'http', 'scale', 'scrub'];

function modes(): Mode[] {
  const flags = process.argv.slice(2);
  const unknown = flags.filter((f) => f !== '--http' && f !== '--scale' && f !== '--scrub');
  if (unknown.length > 0)
    throw new Error(`unknown argument(s) ${unknown.join(' ')}: npm run bench [-- --http] [-- --scale] [-- --scrub]`);
  const chosen: Mode[] = [];
  if (flags.includes('--http')) chosen.push('http');
  if (flags.includes('--scale')) chosen.push('scale');
  if (flags.includes('--scrub')) chosen.push('scrub');
  if (chosen.length > 0) return chosen;
  const env = process.env.BENCH_MODE ?? 'gateway';
  const fromEnv = env.split(',').map((m) => m.trim());
  if (fromEnv.some((m) => !MODES.includes(m as Mode)))
    throw new Error('BENCH_MODE must be gateway, http, scale or scrub (or several, e.g. http,scale)');
  return fromEnv as Mode[];
}

function positive(variable: string, fallback: number, max: number): number {
  const value = Number(process.env[variable] ?? fallback);
  if (!Number.isFinite(value) || value <= 0 || value > max)
    throw new Error(`${variable} must be a number above 0, at most ${max}`);
  return value;
}

let limitMs = FIXED_BUDGET_MS;
let ca: RunCa | undefined;
try {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 10)
    throw new Error('BENCH_ROUNDS must be a whole number from 1 to 10');
  const chosen = modes();
  const logLevel = process.env.BENCH_LOG_LEVEL ?? 'info';
  // The ready line is an info line: above info the benchmark could not see our bot become ready.
  if (!['info', 'debug', 'trace'].includes(logLevel))
    throw new Error('BENCH_LOG_LEVEL must be info, debug or trace (the ready line is logged at info)');
  const common: Common = {
    rounds,
    logLevel,
    nodeArgs: (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
    ourEntry: process.env.BENCH_OUR_ENTRY,
  };
  // The TLS rig is the headline (production is HTTPS over the internet); the plain one comes second.
  const rigKinds = subset('BENCH_RIGS', RIG_KINDS);
  const rttMs = Number(process.env.BENCH_RTT_MS ?? RTT_MS);
  if (!Number.isFinite(rttMs) || rttMs < 0 || rttMs > 500)
    throw new Error('BENCH_RTT_MS must be a number from 0 to 500');
  const h2 = (process.env.BENCH_TLS_H2 ?? '1') !== '0';
  const jobs: Array<{ name: string; run: () => Promise<unknown> }> = [];
  let perRigMs = 0;
  const rigOf = (kind: RigKind): Rig => {
    if (kind === 'plain') return PLAIN;
    ca ??= makeRunCa();
    return { kind: 'tls', ca, rttMs, h2 };
  };
  for (const rigKind of rigKinds) {
    if (chosen.includes('gateway')) {
      const bots = subset('BENCH_BOTS', BOT_KINDS);
      const scenarios = subset(
        'BENCH_SCENARIOS',
        SCENARIOS.map((s) => s.name),
      ).map((name) => SCENARIOS.find((s) => s.name === name) as Scenario);
      perRigMs += rounds * bots.length * scenarios.length * RUN_BUDGET_MS;
      jobs.push({ name: `${rigKind}:gateway`, run: () => main(rounds, bots, scenarios, rigOf(rigKind)) });
    }
    if (chosen.includes('http')) {
      const bots = subset('BENCH_HTTP_BOTS', HTTP_BOT_KINDS);
      const pace: Pace = { ratePerS: positive('BENCH_RATE', 100, 2_000), seconds: positive('BENCH_SECONDS', 10, 60) };
      perRigMs += rounds * bots.length * (RUN_BUDGET_MS + 2 * pace.seconds * 1000);
      jobs.push({ name: `${rigKind}:http`, run: () => httpMain(common, bots, pace, rigOf(rigKind)) });
    }
    if (chosen.includes('scale')) {
      const stores = subset('BENCH_STORES', STORE_KINDS);
      perRigMs += rounds * stores.length * WORKER_COUNTS.length * RUN_BUDGET_MS;
      jobs.push({ name: `${rigKind}:scale`, run: () => scaleMain(common, stores, rigOf(rigKind)) });
    }
  }
  if (chosen.includes('scrub')) jobs.push({ name: 'scrub', run: async () => scrubMain(rounds) });
  limitMs += perRigMs;
  const deadline = setTimeout(() => {
    console.error(`bench: gave up after ${limitMs / 1000} s`);
    void abandonRun().finally(() => process.exit(1));
  }, limitMs);
  deadline.unref();
  console.log(
    `rigs: ${rigKinds.join(', ')}; parts: ${chosen.join(', ')}; bounded: the whole run gives up after ${(limitMs / 60_000).toFixed(0)} min`,
  );
  (async () => {
    const raw: Record<string, unknown> = {};
    for (const [i, job] of jobs.entries()) {
      if (i > 0) console.log('');
      raw[job.name] = await job.run();
    }
    // One object by rig and part ("tls:gateway", "plain:http", ...).
    if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify(raw, null, 1));
  })().then(
    () => {
      clearTimeout(deadline);
      ca?.remove();
      // Stand-ins are closed and children stopped; exit now rather than wait on a stray handle.
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      ca?.remove();
      void abandonRun().finally(() => process.exit(1));
    },
  );
} catch (error) {
  console.error((error as Error).message);
  ca?.remove();
  process.exit(2);
}
