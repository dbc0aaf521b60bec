/**
 * `npm run bench`: our bot (dist/src/main.js, as users run it) against the two bots the
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
 * Knobs: BENCH_ROUNDS=5 (1 for a quick run)  BENCH_LOG_LEVEL=info (our LOG_LEVEL: info, debug or trace)
 *        BENCH_BOTS=ours,direct,defer  BENCH_SCENARIOS=api100,api2500 (a subset, to investigate)
 *        BENCH_JSON=<file> (raw figures and per-interaction times)
 *        BENCH_NODE_ARGS=<flags> (extra node flags for every bot run, e.g.
 *          "--cpu-prof --cpu-prof-dir=/tmp/prof"; the report then names each run's profile and the
 *          burst's window for test/bench/profile-summary.ts)
 *        BENCH_OUR_ENTRY=<file> (another build of our bot instead of dist/src/main.js, for an A/B)
 * To profile our bot in the 100 ms burst alone:
 *   BENCH_ROUNDS=1 BENCH_BOTS=ours BENCH_SCENARIOS=api100 BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench
 * Bounded: every wait has a timeout, and the whole run gives up after a limit that grows with the
 * rounds (printed at the start); child processes are killed on every way out.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { BOT_KINDS, type BotKind, SCENARIOS, type Scenario, makeWorkload, measureBot } from './bench.js';
import { killAllBotProcesses } from '../support/bot-process.js';
import { type Results, printHeader, report } from './report.js';

/** One bot run takes 5-15 s here; the limit allows for a machine several times slower. */
const RUN_BUDGET_MS = 45_000;
const FIXED_BUDGET_MS = 60_000;

function subset<T extends string>(variable: string, all: readonly T[]): T[] {
  const raw = process.env[variable];
  if (!raw) return [...all];
  const chosen = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = chosen.filter((c) => !all.includes(c as T));
  if (unknown.length > 0 || chosen.length === 0) throw new Error(`${variable} must be a comma-separated subset of ${all.join(',')}`);
  return all.filter((a) => chosen.includes(a));
}

async function main(rounds: number, bots: BotKind[], scenarios: Scenario[], limitMs: number): Promise<void> {
  const started = performance.now();
  const logLevel = process.env.BENCH_LOG_LEVEL ?? 'info';
  // The ready line is an info line: above info the benchmark could not see our bot become ready.
  if (!['info', 'debug', 'trace'].includes(logLevel)) throw new Error('BENCH_LOG_LEVEL must be info, debug or trace (the ready line is logged at info)');
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const ourEntry = process.env.BENCH_OUR_ENTRY;
  printHeader(rounds, bots, scenarios);
  console.log(`bounded: the whole run gives up after ${(limitMs / 60_000).toFixed(0)} min`);
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
        const figures = await measureBot(kind, scenario, workload, { logLevel, nodeArgs, ...(ourEntry ? { ourEntry } : {}) });
        (results[scenario.name][kind] ??= []).push(figures);
        const { late, failures } = figures.burst;
        const trouble = [late.length ? `${late.length} late` : '', failures.length ? `${failures.length} failed` : '', figures.exit ? `exited ${figures.exit.code}` : ''].filter(Boolean);
        console.log(`${((performance.now() - t) / 1000).toFixed(1)} s${trouble.length ? ` (${trouble.join(', ')})` : ''}`);
      }
    }
  }
  report(results, { rounds, bots, scenarios, logLevel, nodeArgs, totalMs: performance.now() - started });
  if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify(results, null, 1));
}

let limitMs = FIXED_BUDGET_MS;
try {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 10) throw new Error('BENCH_ROUNDS must be a whole number from 1 to 10');
  const bots = subset('BENCH_BOTS', BOT_KINDS);
  const scenarios = subset('BENCH_SCENARIOS', SCENARIOS.map((s) => s.name)).map((name) => SCENARIOS.find((s) => s.name === name) as Scenario);
  limitMs = FIXED_BUDGET_MS + rounds * bots.length * scenarios.length * RUN_BUDGET_MS;
  const deadline = setTimeout(() => {
    console.error(`bench: gave up after ${limitMs / 1000} s`);
    killAllBotProcesses();
    process.exit(1);
  }, limitMs);
  deadline.unref();
  main(rounds, bots, scenarios, limitMs).then(
    () => {
      clearTimeout(deadline);
      // Stand-ins are closed and children stopped; exit now rather than wait on a stray handle.
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      killAllBotProcesses();
      process.exit(1);
    },
  );
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
