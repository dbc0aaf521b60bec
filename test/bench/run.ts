/**
 * `npm run bench`: the same workload against our bot (dist/src/main.js, as users run it) and a
 * reference bot written the discord.js-guide way (test/bench/reference-bot.ts, run with
 * `node --import tsx`), each started fresh against fresh loopback stand-ins and a fresh temp
 * database. Prints figures and the ratio ours/reference (lower is better for every row); asserts
 * nothing, but lists every interaction that failed or missed Discord's 3 s callback deadline.
 *
 * Workload (deterministic: fixed server ids, a seeded choice of servers, keys and send order):
 *  - Discord stand-in with 2,000 servers x 50 text channels x 30 roles (25 members each). Our bot
 *    identifies with no intents, the reference with GUILDS, so only the reference gets (and
 *    caches) the 2,000 GUILD_CREATEs.
 *  - Spawn -> ready line; CPU used until then; RSS (VmRSS) 1 s after ready.
 *  - 300 servers get an API key: ours through real `/apikey set key:<k>` interactions from an
 *    Administrator, one after another (each answer awaited); the reference's Keyv store is filled
 *    before it starts (it has no such command).
 *  - 300 `/clearcache` from those 300 servers sent at once, the API stand-in answering in 100 ms:
 *    acknowledgement (callback) and visible-reply latency from each send, p50/p99/max; wall time
 *    first send -> last reply; CPU used; every reply must be the public "Cache cleared" embed and
 *    the API must have seen that server's key. Discord's 3 s callback deadline is enforced.
 *  - RSS 1 s after the burst, and the peak (VmHWM).
 * Our bot runs with LOG_LEVEL=info (its default: one JSON line per interaction, written
 * synchronously), CLEARCACHE_COOLDOWN_S=0, SD_API_TIMEOUT_MS=10000.
 *
 * Knobs: BENCH_ORDER=ours,reference (or reference,ours)  BENCH_LOG_LEVEL=info (our LOG_LEVEL)
 *        BENCH_JSON=<file> (raw figures and per-interaction times)  BENCH_NODE_ARGS=<flags>
 *        (extra node flags for both bots, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to investigate)
 *        BENCH_OUR_ENTRY=<file> (another build of our bot instead of dist/src/main.js, for an A/B)
 * Bounded: every wait has a timeout and the whole run gives up after 5 minutes; child processes
 * are killed on every way out.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { type BotFigures, type BotKind, WHOLE_BENCH_TIMEOUT_MS, makeWorkload, measureBot, printHeader, report } from './bench.js';

async function main(): Promise<void> {
  const started = performance.now();
  const logLevel = process.env.BENCH_LOG_LEVEL ?? 'info';
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const order = (process.env.BENCH_ORDER ?? 'ours,reference').split(',').map((s) => s.trim()) as BotKind[];
  if (order.length !== 2 || !order.includes('ours') || !order.includes('reference')) throw new Error('BENCH_ORDER must be ours,reference or reference,ours');
  printHeader(order);
  const workload = makeWorkload();
  const figures = {} as Record<BotKind, BotFigures>;
  for (const kind of order) {
    process.stdout.write(`running ${kind}... `);
    const t = performance.now();
    figures[kind] = await measureBot(kind, workload, { logLevel, nodeArgs, ...(process.env.BENCH_OUR_ENTRY ? { ourEntry: process.env.BENCH_OUR_ENTRY } : {}) });
    console.log(`${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  console.log('');
  report(figures, logLevel, performance.now() - started);
  if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify(figures, null, 1));
}

const deadline = setTimeout(() => {
  console.error(`bench: gave up after ${WHOLE_BENCH_TIMEOUT_MS / 1000} s`);
  process.exit(1);
}, WHOLE_BENCH_TIMEOUT_MS);
deadline.unref();

main().then(
  () => {
    clearTimeout(deadline);
    // Stand-ins are closed and children stopped; exit now rather than wait on a stray handle.
    process.exit(0);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
