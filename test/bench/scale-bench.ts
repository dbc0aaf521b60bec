/**
 * The scale benchmark's machinery (run.ts with --scale is the entry, scale-report.ts prints):
 * several processes of our bot in http mode on one server store, against one. See run.ts.
 *
 *   const figures = await measureScale('postgres', 2, makeWorkload(), { logLevel: 'info' });   // undefined: no server
 */
import { randomBytes } from 'node:crypto';
import type { BotProcess } from '../support/bot-process.js';
import { type TestDatabase, postgresDatabase, redisDatabase } from '../support/servers.js';
import { tempDir } from '../support/temp.js';
import {
  type BurstResult,
  type MeasureOptions,
  type Workload,
  SETTLE_MS,
  complaintsOf,
  driveInteractions,
  setKeysThroughApikeySet,
  sleep,
} from './bench.js';
import { BURST, OUR_ENTRY, ourEnv, startOurHttpBot, startWorld } from './http-bench.js';
import { onInterrupt, procStats, procStatsIfAlive } from './proc.js';

export type StoreKind = 'postgres' | 'redis';
export const STORE_KINDS: readonly StoreKind[] = ['postgres', 'redis'];
export const WORKER_COUNTS = [1, 2] as const;

export interface ScaleFigures {
  store: StoreKind;
  workers: number;
  pids: number[];
  setupMs: number;
  setupFailures: string[];
  burst: BurstResult;
  /** Per worker: interactions it logged during the burst (its share of the split). */
  handled: number[];
  rssReadyKiB: number[];
  rssAfterKiB: number[];
  exit?: { worker: number; code: number | string };
  complaints: string[];
}

/** Databases made and not yet dropped: an interrupted run drops them on its way out. */
const liveDatabases = new Set<TestDatabase>();
onInterrupt(async () => {
  await Promise.allSettled([...liveDatabases].map((db) => db.drop()));
});

/**
 * `workers` processes of our bot in http mode on one fresh database of `store` (ENCRYPTION_KEY
 * shared): keys set through worker 1's /apikey set, then the burst sent round-robin to the workers'
 * endpoints (as a load balancer would). Undefined when that server cannot be reached (a line says so).
 */
export async function measureScale(
  store: StoreKind,
  workers: number,
  workload: Workload,
  options: MeasureOptions,
): Promise<ScaleFigures | undefined> {
  const { logLevel, nodeArgs = [], ourEntry = OUR_ENTRY, rig } = options;
  const db = store === 'postgres' ? await postgresDatabase() : await redisDatabase();
  if (!db) return undefined;
  liveDatabases.add(db);
  const world = await startWorld(workload, rig).catch(async (error: unknown) => {
    liveDatabases.delete(db);
    await db.drop().catch(() => undefined);
    throw error;
  });
  const { discord, sd } = world;
  const dir = tempDir(`sdbot-bench-scale-${store}-`);
  const removeOnExit = () => dir.remove();
  process.on('exit', removeOnExit);
  const bots: BotProcess[] = [];
  try {
    const env = { ...ourEnv(world, db.url, logLevel), ENCRYPTION_KEY: randomBytes(32).toString('base64') };
    const endpoints: string[] = [];
    // One after another: the first prepares the fresh database, the others find it ready.
    for (let i = 0; i < workers; i++) {
      const started = await startOurHttpBot(env, dir.path, ourEntry, nodeArgs);
      bots.push(started.bot);
      endpoints.push(started.endpoint);
    }
    const exits: Array<{ worker: number; code: number | string }> = [];
    bots.forEach((bot, worker) => void bot.exited.then((code) => exits.push({ worker, code })));
    await sleep(SETTLE_MS);
    const rssReadyKiB = bots.map((bot) => procStats(bot.pid).rssKiB);

    discord.setInteractionsEndpoint(endpoints[0]);
    const setup = await setKeysThroughApikeySet(discord, workload);
    await sleep(SETTLE_MS);

    sd.setLatency(BURST.apiLatencyMs);
    const logsBefore = bots.map((bot) => bot.logs().length);
    const sends = workload.keyed.map((s, i) => ({ ...s, endpoint: endpoints[i % workers] as string }));
    const burst = await driveInteractions(discord, sd, bots, sends);
    await sleep(SETTLE_MS);
    const handled = bots.map(
      (bot, i) =>
        bot
          .logs()
          .slice(logsBefore[i])
          .filter((l) => l.msg === 'interaction').length,
    );
    const rssAfterKiB = bots.map((bot) => procStatsIfAlive(bot.pid)?.rssKiB ?? Number.NaN);
    return {
      store,
      workers,
      pids: bots.map((b) => b.pid),
      setupMs: setup.ms,
      setupFailures: setup.failures,
      burst,
      handled,
      rssReadyKiB,
      rssAfterKiB,
      ...(exits[0] ? { exit: exits[0] } : {}),
      complaints: bots.flatMap((bot, i) => complaintsOf(bot, true).map((line) => `worker ${i + 1}: ${line}`)),
    };
  } finally {
    await Promise.allSettled(bots.map((bot) => bot.stop('SIGTERM', 5_000)));
    await world.close();
    dir.remove();
    process.off('exit', removeOnExit);
    liveDatabases.delete(db);
    await db
      .drop()
      .catch((error: unknown) =>
        console.error(`could not drop the bench database ${db.url}: ${(error as Error).message}`),
      );
  }
}
