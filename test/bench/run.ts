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
 *    first send -> last reply; CPU used (all threads, and the main thread alone); every reply must
 *    be the public "Cache cleared" embed and the API must have seen that server's key. Discord's
 *    3 s callback deadline is enforced (the stand-in refuses late callbacks).
 *  - RSS 1 s after the burst, and the peak (VmHWM).
 *  - Once: what `node --import tsx` costs by itself (probe.mjs under node and under tsx), printed
 *    with the ratios it would change, since only the reference runs under tsx.
 * Our bot runs with LOG_LEVEL=info (its default: one JSON line per interaction, written
 * synchronously), CLEARCACHE_COOLDOWN_S=0, SD_API_TIMEOUT_MS=10000.
 *
 * Three rounds by default (BENCH_ROUNDS), the order alternating; the table shows the median of the
 * rounds with their range, and the ratio of the medians. Loopback timings on a 2-core machine are
 * noisy (the stand-ins share the cores with the bot): read the ranges before a single figure.
 *
 * Knobs: BENCH_ROUNDS=3  BENCH_LOG_LEVEL=info (our LOG_LEVEL: info, debug or trace)
 *        BENCH_JSON=<file> (raw figures and per-interaction times)  BENCH_NODE_ARGS=<flags>
 *        (extra node flags for both bots, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to investigate)
 *        BENCH_OUR_ENTRY=<file> (another build of our bot instead of dist/src/main.js, for an A/B)
 * Bounded: every wait has a timeout and the whole run gives up after 5 minutes; child processes
 * are killed on every way out.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { type BotFigures, type BotKind, type LoaderOverhead, WHOLE_BENCH_TIMEOUT_MS, makeWorkload, measureBot, measureLoaderOverhead, printHeader, report } from './bench.js';

async function main(): Promise<void> {
  const started = performance.now();
  const logLevel = process.env.BENCH_LOG_LEVEL ?? 'info';
  // The ready line is an info line: above info the benchmark could not see our bot become ready.
  if (!['info', 'debug', 'trace'].includes(logLevel)) throw new Error('BENCH_LOG_LEVEL must be info, debug or trace (the ready line is logged at info)');
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 10) throw new Error('BENCH_ROUNDS must be a whole number from 1 to 10');
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const ourEntry = process.env.BENCH_OUR_ENTRY;
  printHeader(rounds);
  const workload = makeWorkload();
  const results: Record<BotKind, BotFigures[]> = { ours: [], reference: [] };
  for (let round = 0; round < rounds; round++) {
    // Alternate who goes first, so neither bot always meets a colder or warmer benchmark process.
    const order: BotKind[] = round % 2 === 0 ? ['ours', 'reference'] : ['reference', 'ours'];
    for (const kind of order) {
      process.stdout.write(`round ${round + 1}/${rounds}: ${kind}... `);
      const t = performance.now();
      results[kind].push(await measureBot(kind, workload, { logLevel, nodeArgs, ...(ourEntry ? { ourEntry } : {}) }));
      console.log(`${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
  }
  let loader: LoaderOverhead | undefined;
  try {
    loader = await measureLoaderOverhead();
  } catch (error) {
    console.log(`(could not measure the tsx loader's own RSS: ${(error as Error).message.split('\n')[0]})`);
  }
  console.log('');
  report(results, logLevel, loader, performance.now() - started);
  if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify({ results, loader }, null, 1));
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
