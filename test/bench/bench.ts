/**
 * The benchmark's machinery (run.ts is the entry, report.ts prints): the deterministic workload,
 * and one bot measured in one scenario against fresh stand-ins. See run.ts for what is measured.
 *
 *   const workload = makeWorkload();
 *   const figures = await measureBot('direct', SCENARIOS[1], workload, { logLevel: 'info' });   // one fresh run
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import KeyvSqlite from '@keyv/sqlite';
import Keyv from 'keyv';
import { type DiscordStandIn, type GuildSpec, type InteractionHandle, type RecordedRequest, type VisibleReply, startDiscordStandIn, stringOption } from '../support/discord-standin.js';
import { TOKEN } from '../support/rig.js';
import { type SdApiStandIn, startSdApiStandIn } from '../support/sdapi-standin.js';
import { tempDir } from '../support/temp.js';
import { type BotProcess, startBotProcess } from '../support/bot-process.js';
import { type ProcStats, procStats, procStatsIfAlive } from './proc.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUR_ENTRY = join(ROOT, 'dist/src/main.js');
/** Our bot runs as `npm start` runs it: the node flags of package.json's start script. */
export const OUR_NODE_FLAGS: string[] = (() => {
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  return start.split(/\s+/).filter((word) => word.startsWith('--'));
})();
export const REFERENCE_ENTRY = join(ROOT, 'test/bench/reference-bot.mjs');

export const GUILDS = 2_000;
export const CHANNELS = 50;
export const ROLES = 30;
export const MEMBERS = 25;
export const KEYED = 300;
/** API latency while our bot's keys are set up (the /apikey set command never calls the API). */
const SETUP_API_LATENCY_MS = 100;
const SETTLE_MS = 1_000;
export const CALLBACK_DEADLINE_MS = 3_000;
const READY_TIMEOUT_MS = 60_000;
const INTERACTION_TIMEOUT_MS = 30_000;
/** After a bot exits, how long what it already wrote may take to reach the stand-in. */
const EXIT_GRACE_MS = 300;
const CPU_SAMPLE_MS = 100;
export const SEED = 0x5eed_2024;

/**
 * ours: dist/src/main.js. direct: the guide bot answering with one `interaction.reply()` after the
 * API call. defer: the guide bot deferring first, then `editReply()`.
 */
export type BotKind = 'ours' | 'direct' | 'defer';
export const BOT_KINDS: readonly BotKind[] = ['ours', 'direct', 'defer'];

export interface Scenario {
  name: 'api100' | 'api2500';
  apiLatencyMs: number;
  title: string;
}

export const SCENARIOS: readonly Scenario[] = [
  { name: 'api100', apiLatencyMs: 100, title: `${KEYED} /clearcache at once, API at 100 ms` },
  { name: 'api2500', apiLatencyMs: 2_500, title: `${KEYED} /clearcache at once, API at 2.5 s (a reply must be deferred to meet the 3 s deadline)` },
];

// ------------------------------------------------------------------ deterministic workload

/** mulberry32: a small seeded PRNG, so every run picks the same servers, keys and order. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface Workload {
  guilds: GuildSpec[];
  /** The servers that get a key, in the order their /apikey set and /clearcache are sent. */
  keyed: Array<{ guildId: string; adminId: string; key: string }>;
}

export function makeWorkload(): Workload {
  const random = prng(SEED);
  // Fixed snowflakes (2024-01-01 plus an index): below anything the stand-in makes from the clock.
  const base = (BigInt(Date.UTC(2024, 0, 1)) - 1_420_070_400_000n) << 22n;
  const guilds: GuildSpec[] = Array.from({ length: GUILDS }, (_, i) => ({
    id: String(base + BigInt(i)),
    name: `Bench server ${i}`,
    channels: CHANNELS,
    roles: ROLES,
    members: MEMBERS,
  }));
  const order = guilds.map((_, i) => i);
  for (let i = 0; i < KEYED; i++) {
    const j = i + Math.floor(random() * (order.length - i));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const hex = () => Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  const keyed = order.slice(0, KEYED).map((index) => ({
    guildId: (guilds[index] as GuildSpec).id,
    adminId: String(base + 100_000n + BigInt(index)),
    key: `sk-bench${String(index).padStart(4, '0')}${hex()}`,
  }));
  return { guilds, keyed };
}

// ------------------------------------------------------------------ one bot, one fresh world

/** One /clearcache of the burst; times in ms from the first send (NaN when it never happened). */
export interface Sample {
  guildId: string;
  sent: number;
  /** When the first callback reached Discord, accepted or not. */
  callback: number;
  /** Its response type (4: the answer itself, 5: a deferral) and the stand-in's status. */
  callbackType: number;
  callbackStatus: number;
  /** When the API stand-in received this server's clear. */
  api: number;
  /** When the visible answer reached Discord (the type-4 callback, or the edit after a deferral). */
  reply: number;
}

export interface BurstResult {
  samples: Sample[];
  /** Per interaction, ms from its send: accepted acknowledgement, Infinity when none was accepted. */
  ackMs: number[];
  /** Per interaction, ms from its send: the correct public answer, Infinity when it never came. */
  replyMs: number[];
  /** First send -> the last correct answer. */
  wallMs: number;
  failures: string[];
  /** Interactions not acknowledged within Discord's 3 s (refused late, or never answered). */
  late: string[];
  /** Accepted callbacks of each type: 4 = answered in one request, 5 = deferred. */
  answeredInOne: number;
  deferred: number;
  apiRequests: number;
  /** CPU used from the first send to the last answer: all threads, and the main thread alone. */
  cpuMs: number;
  mainCpuMs: number;
  /** True when the bot exited during the burst: the CPU figures stop at its last sample. */
  cpuUntilExit: boolean;
  /** The burst's window on CLOCK_MONOTONIC (the clock of a .cpuprofile), microseconds. */
  windowUs: [number, number];
}

export interface BotFigures {
  kind: BotKind;
  scenario: Scenario['name'];
  pid: number;
  intents: number;
  readyLine: string;
  readyMs: number;
  readyCpuMs: number;
  rssReadyKiB: number;
  setupMs: number | undefined;
  setupFailures: string[];
  burst: BurstResult;
  rssAfterKiB: number;
  hwmKiB: number;
  /** When the bot exited before the benchmark stopped it: its code (or signal) and when, ms after the first send. */
  exit?: { code: number | string; atMs: number };
  /** Warnings/errors the bot itself wrote during the run (log level >= warn, or stderr). */
  complaints: string[];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function adminRole(discord: DiscordStandIn, guildId: string): string {
  return discord.roleByName(guildId, 'Admin').id;
}

async function prefillReferenceStore(file: string, workload: Workload): Promise<void> {
  const keyv = new Keyv(new KeyvSqlite(`sqlite://${file}`));
  for (const { guildId, key } of workload.keyed) {
    if (!(await keyv.set(guildId, key))) throw new Error(`could not prefill the reference store at ${file}`);
  }
  await keyv.disconnect();
}

function describeError(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'error';
}

async function setKeysThroughApikeySet(discord: DiscordStandIn, workload: Workload): Promise<{ ms: number; failures: string[] }> {
  const failures: string[] = [];
  const started = performance.now();
  for (const { guildId, adminId, key } of workload.keyed) {
    try {
      const reply = await discord
        .sendInteraction({
          guildId,
          userId: adminId,
          roles: [adminRole(discord, guildId)],
          command: 'apikey',
          subcommand: 'set',
          options: [stringOption('key', key)],
          timeoutMs: INTERACTION_TIMEOUT_MS,
        })
        .reply();
      const title = reply.message.embeds[0]?.title;
      if (title !== 'API key saved') failures.push(`${guildId}: /apikey set answered "${title ?? reply.message.content}"`);
    } catch (error) {
      failures.push(`${guildId}: ${describeError(error)}`);
    }
  }
  return { ms: performance.now() - started, failures };
}

/** CLOCK_MONOTONIC in µs for a performance.now() of this process (the clock V8's profiles use). */
function monotonicUs(perfMs: number): number {
  const nowUs = Number(process.hrtime.bigint() / 1000n);
  return Math.round(nowUs - (performance.now() - perfMs) * 1000);
}

async function clearcacheBurst(discord: DiscordStandIn, sd: SdApiStandIn, bot: BotProcess, workload: Workload): Promise<BurstResult> {
  const apiBefore = sd.requests.length;
  // If the bot dies mid-burst, what it has not answered never will be: stop waiting shortly after.
  const gone = bot.exited.then(async (code) => {
    await sleep(EXIT_GRACE_MS);
    throw new Error(`the bot exited (${code}) before answering`);
  });
  gone.catch(() => undefined);
  const untilGone = <T>(promise: Promise<T>) => Promise.race([promise, gone]);

  // The stand-ins live in this process: collect its garbage now, so that a pause of ours does not
  // land in the middle of the burst and get counted against whichever bot is being measured.
  collectGarbage();
  const before = procStats(bot.pid);
  // A light sampler, only so that a bot that dies mid-burst still has a CPU figure.
  let lastStats: ProcStats = before;
  const sampler = setInterval(() => {
    lastStats = procStatsIfAlive(bot.pid) ?? lastStats;
  }, CPU_SAMPLE_MS);

  const sent: Array<{ guildId: string; key: string; handle: InteractionHandle }> = [];
  // All at once: one synchronous loop, as a gateway burst arrives.
  for (const { guildId, adminId, key } of workload.keyed) {
    const handle = discord.sendInteraction({
      guildId,
      userId: adminId,
      roles: [adminRole(discord, guildId)],
      command: 'clearcache',
      timeoutMs: INTERACTION_TIMEOUT_MS,
    });
    sent.push({ guildId, key, handle });
  }
  // Only timestamps are taken while the bot works; everything is checked once it is done.
  const outcomes = await Promise.all(
    sent.map(async ({ handle }) => {
      let callback: RecordedRequest;
      try {
        callback = await untilGone(handle.callback);
      } catch (error) {
        return { error: `no acknowledgement (${describeError(error)})` };
      }
      if (callback.status >= 300) return { callback };
      try {
        return { callback, reply: await untilGone(handle.reply()) };
      } catch (error) {
        return { callback, error: describeError(error) };
      }
    }),
  );
  const end = procStatsIfAlive(bot.pid);
  clearInterval(sampler);
  const after = end ?? lastStats;

  const firstSentAt = Math.min(...sent.map((s) => s.handle.sentAt));
  const ackMs: number[] = [];
  const replyMs: number[] = [];
  const failures: string[] = [];
  const late: string[] = [];
  let answeredInOne = 0;
  let deferred = 0;
  let lastReplyAt = Number.NaN;
  const apiAt = new Map<string, number>();
  for (const r of sd.requests.slice(apiBefore)) {
    const key = (r.json as { key?: unknown } | undefined)?.key;
    if (typeof key === 'string' && !apiAt.has(key)) apiAt.set(key, r.at);
  }
  const samples: Sample[] = sent.map(({ guildId, key, handle }, index) => {
    const { callback, reply, error } = outcomes[index] as { callback?: RecordedRequest; reply?: VisibleReply; error?: string };
    const sample: Sample = {
      guildId,
      sent: handle.sentAt - firstSentAt,
      callback: callback ? callback.at - firstSentAt : Number.NaN,
      callbackType: Number((callback?.body as { type?: unknown } | undefined)?.type ?? Number.NaN),
      callbackStatus: callback?.status ?? Number.NaN,
      api: (apiAt.get(key) ?? Number.NaN) - firstSentAt,
      reply: Number.NaN,
    };
    const accepted = callback !== undefined && callback.status < 300 && callback.at - handle.sentAt <= CALLBACK_DEADLINE_MS;
    ackMs.push(accepted ? callback.at - handle.sentAt : Number.POSITIVE_INFINITY);
    if (accepted && sample.callbackType === 4) answeredInOne += 1;
    if (accepted && sample.callbackType === 5) deferred += 1;
    if (!accepted) {
      late.push(
        callback
          ? `${guildId}: callback after ${(callback.at - handle.sentAt).toFixed(0)} ms, refused with ${callback.status}`
          : `${guildId}: never acknowledged (${error ?? 'no callback'})`,
      );
    }
    let problem: string | undefined;
    if (!callback) problem = error ?? 'no acknowledgement';
    else if (callback.status >= 300) problem = `acknowledgement refused (${callback.status}, after ${(callback.at - handle.sentAt).toFixed(0)} ms)`;
    else if (!reply) problem = error ?? 'no visible answer';
    else {
      const embed = reply.message.embeds[0];
      const ephemeral = ((reply.message.flags ?? 0) & (1 << 6)) !== 0;
      if (embed?.title !== 'Cache cleared' || ephemeral) problem = `answered ${ephemeral ? 'privately ' : ''}"${embed?.title ?? reply.message.content}" ${embed?.description ?? ''}`;
      else if (!apiAt.has(key)) problem = "answered, but the API never saw this server's key";
    }
    if (problem) {
      failures.push(`${guildId}: ${problem}`);
      replyMs.push(Number.POSITIVE_INFINITY);
    } else {
      const at = (reply as VisibleReply).at;
      sample.reply = at - firstSentAt;
      replyMs.push(at - handle.sentAt);
      if (!(at <= lastReplyAt)) lastReplyAt = at;
    }
    return sample;
  });
  const lastAt = Number.isNaN(lastReplyAt) ? firstSentAt : lastReplyAt;
  return {
    samples,
    ackMs,
    replyMs,
    wallMs: lastReplyAt - firstSentAt,
    failures,
    late,
    answeredInOne,
    deferred,
    apiRequests: sd.requests.length - apiBefore,
    cpuMs: after.cpuMs - before.cpuMs,
    mainCpuMs: after.mainCpuMs - before.mainCpuMs,
    cpuUntilExit: end === undefined,
    windowUs: [monotonicUs(firstSentAt), monotonicUs(lastAt)],
  };
}

export interface MeasureOptions {
  logLevel: string;
  /** Extra node flags for the bot process, before its entry (investigation: --cpu-prof, --trace-gc...). */
  nodeArgs?: string[];
  /** Our bot's entry (default dist/src/main.js; another build to compare, e.g. a patched copy). */
  ourEntry?: string;
}

export async function measureBot(kind: BotKind, scenario: Scenario, workload: Workload, { logLevel, nodeArgs = [], ourEntry = OUR_ENTRY }: MeasureOptions): Promise<BotFigures> {
  const discord = await startDiscordStandIn({ token: TOKEN, guilds: workload.guilds, callbackDeadlineMs: CALLBACK_DEADLINE_MS });
  const sd = await startSdApiStandIn({ latencyMs: SETUP_API_LATENCY_MS });
  const dir = tempDir(`sdbot-bench-${kind}-`);
  // An interrupted benchmark (Ctrl+C, the overall deadline) still removes its temp folder.
  const removeOnExit = () => dir.remove();
  process.on('exit', removeOnExit);
  let bot: BotProcess | undefined;
  try {
    // The stand-in builds each server's ids and roles on first use; build all 2,000 now so that
    // work is charged to no bot.
    for (const { id } of workload.guilds) discord.guild(id);

    collectGarbage();
    const dataDir = join(dir.path, 'data');
    mkdirSync(dataDir, { recursive: true });
    let readyMatch: (text: string) => boolean;
    if (kind === 'ours') {
      const env = {
        DISCORD_TOKEN: TOKEN,
        DISCORD_API_URL: discord.apiUrl,
        SD_API_BASE_URL: sd.baseUrl,
        SD_API_TIMEOUT_MS: '10000',
        CLEARCACHE_COOLDOWN_S: '0',
        DATABASE_URL: `sqlite://${join(dataDir, 'bot.sqlite')}`,
        LOG_LEVEL: logLevel,
        NODE_ENV: 'production',
      };
      bot = startBotProcess(env, dir.path, ourEntry, [], [...OUR_NODE_FLAGS, ...nodeArgs]);
      readyMatch = (text) => {
        if (!text.includes('"msg":"ready"')) return false;
        try {
          return (JSON.parse(text) as { msg?: unknown }).msg === 'ready';
        } catch {
          return false;
        }
      };
    } else {
      const file = join(dataDir, 'keys.sqlite');
      await prefillReferenceStore(file, workload);
      const env = { DISCORD_TOKEN: TOKEN, DISCORD_API_URL: discord.apiUrl, SD_API_BASE_URL: sd.baseUrl, REFERENCE_DB: file, REFERENCE_MODE: kind };
      bot = startBotProcess(env, dir.path, REFERENCE_ENTRY, [], nodeArgs);
      readyMatch = (text) => text.startsWith('Ready!');
    }
    const exited: { code?: number | string; at?: number } = {};
    void bot.exited.then((code) => {
      exited.code = code;
      exited.at = performance.now();
    });
    const ready = await bot.waitForLine(readyMatch, READY_TIMEOUT_MS, `${kind} bot's ready line`);
    const readyCpuMs = procStats(bot.pid).cpuMs;
    await sleep(SETTLE_MS);
    const rssReadyKiB = procStats(bot.pid).rssKiB;

    let setupMs: number | undefined;
    let setupFailures: string[] = [];
    if (kind === 'ours') {
      const setup = await setKeysThroughApikeySet(discord, workload);
      setupMs = setup.ms;
      setupFailures = setup.failures;
      await sleep(SETTLE_MS);
    }

    sd.setLatency(scenario.apiLatencyMs);
    const burstStartedAt = performance.now();
    const burst = await clearcacheBurst(discord, sd, bot, workload);
    await sleep(SETTLE_MS);
    const after = procStatsIfAlive(bot.pid);
    const complaints = bot.lines
      .filter((l) => {
        if (l.stream === 'stderr') return l.text.trim() !== '';
        if (kind !== 'ours') return false;
        try {
          return ((JSON.parse(l.text) as { level?: number }).level ?? 0) >= 40;
        } catch {
          return true;
        }
      })
      .map((l) => l.text);
    return {
      kind,
      scenario: scenario.name,
      pid: bot.pid,
      intents: discord.identifies[0]?.intents ?? Number.NaN,
      readyLine: ready.text,
      readyMs: ready.at - bot.startedAt,
      readyCpuMs,
      rssReadyKiB,
      setupMs,
      setupFailures,
      burst,
      rssAfterKiB: after?.rssKiB ?? Number.NaN,
      hwmKiB: after?.hwmKiB ?? Number.NaN,
      ...(exited.code !== undefined && exited.at !== undefined ? { exit: { code: exited.code, atMs: exited.at - burstStartedAt } } : {}),
      complaints,
    };
  } finally {
    await bot?.stop('SIGTERM', 5_000).catch(() => undefined);
    await Promise.allSettled([discord.close(), sd.close()]);
    dir.remove();
    process.off('exit', removeOnExit);
  }
}

/** The benchmark process's own garbage (2,000 guild payloads...) collected before a measurement, so its GC pauses do not land in one. */
export const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose_gc');
  return runInNewContext('gc') as () => void;
})();
