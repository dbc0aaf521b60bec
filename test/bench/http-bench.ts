/**
 * The HTTP benchmark's machinery (run.ts with --http is the entry, http-report.ts prints): bots that take interactions as signed POSTs from the Discord stand-in, each measured
 * against fresh stand-ins. See run.ts for what is measured.
 *
 *   const figures = await measureHttpBot('example', makeWorkload(), { ratePerS: 100, seconds: 10 }, { logLevel: 'info' });
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type BotProcess, startBotProcess } from '../support/bot-process.js';
import { TOKEN } from '../support/rig.js';
import { tempDir } from '../support/temp.js';
import {
  type BurstResult,
  type MeasureOptions,
  type Scenario,
  type Send,
  type Workload,
  type World,
  type NetFigures,
  OUR_NODE_FLAGS,
  PLAIN,
  READY_TIMEOUT_MS,
  ROOT,
  SCENARIOS,
  SETTLE_MS,
  complaintsOf,
  driveInteractions,
  isOurReadyLine,
  measureBot,
  netDelta,
  prefillReferenceStore,
  startWorld,
  settleAfterReady,
  watchExit,
  sleep,
} from './bench.js';
import { procStatsIfAlive } from './proc.js';

export const EXAMPLE_ENTRY = join(ROOT, 'test/bench/example-http-bot.mjs');
export const OUR_ENTRY = join(ROOT, 'dist/src/bin/start.js');

/**
 * ours-http: dist/src/bin/start.js with INTERACTIONS_MODE=http. example: example-http-bot.mjs (express +
 * discord-interactions' verifyKeyMiddleware, the answer in the HTTP response after the API call).
 * ours-gateway: our bot in its default gateway mode, the same burst (bench.ts's measureBot).
 */
export type HttpBotKind = 'ours-http' | 'example' | 'ours-gateway';
export const HTTP_BOT_KINDS: readonly HttpBotKind[] = ['ours-http', 'example', 'ours-gateway'];
/** The burst: every keyed server's /clearcache at once, the API answering in 100 ms. */
export const BURST: Scenario = SCENARIOS.find((s) => s.name === 'api100') as Scenario;

export interface Pace {
  ratePerS: number;
  seconds: number;
}

export interface HttpFigures {
  kind: HttpBotKind;
  pid: number;
  readyLine: string;
  readyMs: number;
  readyCpuMs: number;
  rssReadyKiB: number;
  setupMs: number | undefined;
  setupFailures: string[];
  burst: BurstResult;
  rssAfterBurstKiB: number;
  /** The paced run (not for ours-gateway, nor when the bot had exited). */
  sustained: BurstResult | undefined;
  rssAfterSustainedKiB: number;
  hwmKiB: number;
  exit?: { code: number | string; atMs: number };
  complaints: string[];
  /** TLS rig: what the fronts saw up to the burst, during the burst, and during the paced run. */
  net?: { ready: NetFigures; burst: NetFigures; sustained?: NetFigures };
}

export { startWorld };

/** Our bot in http mode: its ready line, and the endpoint it listens on (HTTP_PORT=0). */
export async function startOurHttpBot(
  env: Record<string, string>,
  cwd: string,
  entry: string,
  nodeArgs: string[],
): Promise<{ bot: BotProcess; endpoint: string; readyLine: string; readyAt: number }> {
  const bot = startBotProcess(
    { ...env, INTERACTIONS_MODE: 'http', HTTP_HOST: '127.0.0.1', HTTP_PORT: '0' },
    cwd,
    entry,
    [],
    [...OUR_NODE_FLAGS, ...nodeArgs],
  );
  try {
    const ready = await bot.waitForLine(isOurReadyLine, READY_TIMEOUT_MS, "our http bot's ready line");
    const http = (JSON.parse(ready.text) as { http?: unknown }).http;
    if (typeof http !== 'string') throw new Error(`our bot's ready line names no http address: ${ready.text}`);
    return { bot, endpoint: `http://${http}/interactions`, readyLine: ready.text, readyAt: ready.at };
  } catch (error) {
    await bot.stop('SIGKILL', 2_000).catch(() => undefined);
    throw error;
  }
}

/** The same servers again and again, in the workload's order, for a paced run of `count` sends. */
export function cycled(workload: Workload, count: number): Send[] {
  return Array.from({ length: count }, (_, i) => workload.keyed[i % workload.keyed.length] as Send);
}

export function ourEnv(world: World, databaseUrl: string, logLevel: string): Record<string, string> {
  return {
    ...world.env,
    DISCORD_TOKEN: TOKEN,
    DISCORD_API_URL: world.discordApiUrl,
    DISCORD_PUBLIC_KEY: world.discord.publicKey,
    SD_API_BASE_URL: world.sdBaseUrl,
    SD_API_TIMEOUT_MS: '10000',
    CLEARCACHE_COOLDOWN_S: '0',
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: logLevel,
    NODE_ENV: 'production',
  };
}

export async function measureHttpBot(
  kind: HttpBotKind,
  workload: Workload,
  pace: Pace,
  options: MeasureOptions,
): Promise<HttpFigures> {
  if (kind === 'ours-gateway') {
    const f = await measureBot('ours', BURST, workload, options);
    return {
      kind,
      pid: f.pid,
      readyLine: f.readyLine,
      readyMs: f.readyMs,
      readyCpuMs: f.readyCpuMs,
      rssReadyKiB: f.rssReadyKiB,
      setupMs: f.setupMs,
      setupFailures: f.setupFailures,
      burst: f.burst,
      rssAfterBurstKiB: f.rssAfterKiB,
      sustained: undefined,
      rssAfterSustainedKiB: Number.NaN,
      hwmKiB: f.hwmKiB,
      ...(f.exit ? { exit: f.exit } : {}),
      complaints: f.complaints,
      ...(f.net ? { net: f.net } : {}),
    };
  }
  const { logLevel, nodeArgs = [], ourEntry = OUR_ENTRY, rig = PLAIN } = options;
  const world = await startWorld(workload, rig);
  const { discord, sd } = world;
  const dir = tempDir(`sdbot-bench-${kind}-`);
  const removeOnExit = () => dir.remove();
  process.on('exit', removeOnExit);
  let bot: BotProcess | undefined;
  try {
    const dataDir = join(dir.path, 'data');
    mkdirSync(dataDir, { recursive: true });
    let endpoint: string;
    let readyLine: string;
    let readyAt: number;
    if (kind === 'ours-http') {
      const started = await startOurHttpBot(
        ourEnv(world, `sqlite://${join(dataDir, 'bot.sqlite')}`, logLevel),
        dir.path,
        ourEntry,
        nodeArgs,
      );
      ({ bot, endpoint, readyLine, readyAt } = started);
    } else {
      const file = join(dataDir, 'keys.sqlite');
      await prefillReferenceStore(file, workload);
      const env = {
        PUBLIC_KEY: discord.publicKey,
        PORT: '0',
        HOST: '127.0.0.1',
        SD_API_BASE_URL: world.sdBaseUrl,
        REFERENCE_DB: file,
        ...world.env,
      };
      bot = startBotProcess(env, dir.path, EXAMPLE_ENTRY, [], nodeArgs);
      const ready = await bot.waitForLine(
        (text) => text.startsWith('Listening on port'),
        READY_TIMEOUT_MS,
        "the example bot's listening line",
      );
      endpoint = `http://127.0.0.1:${ready.text.split(' ').pop() ?? ''}/interactions`;
      readyLine = ready.text;
      readyAt = ready.at;
    }
    const running = bot;
    discord.setInteractionsEndpoint(endpoint);
    const exited = watchExit(running);
    const { readyCpuMs, rssReadyKiB, setupMs, setupFailures } = await settleAfterReady(
      running,
      discord,
      workload,
      kind === 'ours-http',
    );

    sd.setLatency(BURST.apiLatencyMs);
    const netBefore = world.counts();
    const burstStartedAt = performance.now();
    const burst = await driveInteractions(discord, sd, [running], workload.keyed);
    const netBurst = netDelta(world.counts(), netBefore);
    await sleep(SETTLE_MS);
    const rssAfterBurstKiB = procStatsIfAlive(running.pid)?.rssKiB ?? Number.NaN;
    let sustained: BurstResult | undefined;
    let netSustained: NetFigures | undefined;
    if (exited.code === undefined) {
      const before = world.counts();
      sustained = await driveInteractions(
        discord,
        sd,
        [running],
        cycled(workload, Math.round(pace.ratePerS * pace.seconds)),
        pace.ratePerS,
      );
      netSustained = netDelta(world.counts(), before);
      await sleep(SETTLE_MS);
    }
    const after = procStatsIfAlive(running.pid);
    return {
      kind,
      pid: running.pid,
      readyLine,
      readyMs: readyAt - running.startedAt,
      readyCpuMs,
      rssReadyKiB,
      setupMs,
      setupFailures,
      burst,
      rssAfterBurstKiB,
      sustained,
      rssAfterSustainedKiB: after?.rssKiB ?? Number.NaN,
      hwmKiB: after?.hwmKiB ?? Number.NaN,
      ...(exited.code !== undefined && exited.at !== undefined
        ? { exit: { code: exited.code, atMs: exited.at - burstStartedAt } }
        : {}),
      complaints: complaintsOf(running, kind === 'ours-http'),
      ...(netBefore && netBurst
        ? { net: { ready: netBefore, burst: netBurst, ...(netSustained ? { sustained: netSustained } : {}) } }
        : {}),
    };
  } finally {
    await bot?.stop('SIGTERM', 5_000).catch(() => undefined);
    await world.close();
    dir.remove();
    process.off('exit', removeOnExit);
  }
}
