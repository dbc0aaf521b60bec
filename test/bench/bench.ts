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
import {
  type DiscordStandIn,
  type GuildSpec,
  type InteractionHandle,
  type RecordedRequest,
  type VisibleReply,
  startDiscordStandIn,
  stringOption,
} from '../support/discord-standin.js';
import { TOKEN } from '../support/rig.js';
import { type SdApiStandIn, startSdApiStandIn } from '../support/sdapi-standin.js';
import { tempDir } from '../support/temp.js';
import { type BotProcess, startBotProcess } from '../support/bot-process.js';
import { guildCreatePayload } from './guild-create.js';
import { type ProcStats, procStats, procStatsIfAlive } from './proc.js';
import { type Front, type NetCounts, type RunCa, RTT_MS, minus, startTlsFront, startWssFront } from './tls-rig.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUR_ENTRY = join(ROOT, 'dist/src/bin/start.js');
/** Our bot runs as `npm start` runs it: the node flags of package.json's start script. */
export const OUR_NODE_FLAGS: string[] = (() => {
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts
    .start;
  return start.split(/\s+/).filter((word) => word.startsWith('--'));
})();
export const REFERENCE_ENTRY = join(ROOT, 'test/bench/reference-bot.mjs');

export const GUILDS = 2_000;
export const CHANNELS = 50;
export const ROLES = 30;
export const MEMBERS = 25;
export const KEYED = 300;
/** API latency while our bot's keys are set up (the /apikey set command never calls the API). */
export const SETUP_API_LATENCY_MS = 100;
export const SETTLE_MS = 1_000;
export const CALLBACK_DEADLINE_MS = 3_000;
export const READY_TIMEOUT_MS = 60_000;
const INTERACTION_TIMEOUT_MS = 30_000;
/** After a bot exits, how long what it already wrote may take to reach the stand-in. */
const EXIT_GRACE_MS = 300;
const CPU_SAMPLE_MS = 100;
/** How often a paced run looks at its schedule (every send due by then goes out). */
const PACE_TICK_MS = 2;
export const SEED = 0x5eed_2024;

/**
 * ours: dist/src/bin/start.js. direct: the guide bot answering with one `interaction.reply()` after the
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
  {
    name: 'api2500',
    apiLatencyMs: 2_500,
    title: `${KEYED} /clearcache at once, API at 2.5 s (a reply must be deferred to meet the 3 s deadline)`,
  },
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

// ------------------------------------------------------------------ the rig: plain loopback, or TLS with a round trip

/**
 * plain: the stand-ins as they are (HTTP and ws:// on loopback, no delay). tls: the same stand-ins
 * behind HTTPS/WSS fronts (tls-rig.ts) with a certificate of a CA made for the run, handed to every
 * bot by NODE_EXTRA_CA_CERTS, and `rttMs` of round trip per request and (twice) per new connection.
 */
export type Rig = { kind: 'plain' } | { kind: 'tls'; ca: RunCa; rttMs: number; h2: boolean };
export const PLAIN: Rig = { kind: 'plain' };
export const RIG_KINDS = ['tls', 'plain'] as const;
export type RigKind = (typeof RIG_KINDS)[number];
export { RTT_MS };

/** What the fronts saw, per origin (zero on the plain rig, which counts nothing). */
export interface NetFigures {
  discord: NetCounts;
  gateway: NetCounts;
  api: NetCounts;
}

export interface World {
  discord: DiscordStandIn;
  sd: SdApiStandIn;
  /** What the bots are given: the stand-ins' URLs, or their fronts'. */
  discordApiUrl: string;
  sdBaseUrl: string;
  /** NODE_EXTRA_CA_CERTS on the TLS rig. */
  env: Record<string, string>;
  counts(): NetFigures | undefined;
  close(): Promise<void>;
}

/** Fresh stand-ins for one run (and their fronts on the TLS rig), every server's state built up front (so that work is charged to no bot). */
export async function startWorld(workload: Workload, rig: Rig = PLAIN): Promise<World> {
  const discord = await startDiscordStandIn({
    token: TOKEN,
    guilds: workload.guilds,
    callbackDeadlineMs: CALLBACK_DEADLINE_MS,
    guildCreate: guildCreatePayload,
  });
  const sd = await startSdApiStandIn({ latencyMs: SETUP_API_LATENCY_MS });
  // The stand-in builds each server's ids and roles on first use; build all 2,000 now.
  for (const { id } of workload.guilds) discord.guild(id);
  const fronts: Front[] = [];
  let world: World = {
    discord,
    sd,
    discordApiUrl: discord.apiUrl,
    sdBaseUrl: sd.baseUrl,
    env: {},
    counts: () => undefined,
    close: async () => void (await Promise.allSettled([discord.close(), sd.close()])),
  };
  if (rig.kind === 'tls') {
    try {
      const options = { tls: rig.ca, rttMs: rig.rttMs };
      const gateway = await startWssFront({ ...options, target: discord.gatewayUrl });
      fronts.push(gateway);
      // The gateway URL the stand-in hands out (GET /gateway/bot, /gateway) becomes the WSS front's.
      const rewrite = (path: string, body: unknown) =>
        /\/gateway(\/bot)?$/.test(path.split('?')[0] ?? '') && body && typeof body === 'object'
          ? { ...body, url: gateway.origin }
          : body;
      const rest = await startTlsFront({ ...options, h2: rig.h2, target: discord.apiUrl, rewrite });
      fronts.push(rest);
      const api = await startTlsFront({ ...options, h2: rig.h2, target: sd.baseUrl });
      fronts.push(api);
      const close = world.close;
      world = {
        ...world,
        discordApiUrl: `${rest.origin}${new URL(discord.apiUrl).pathname}`,
        sdBaseUrl: `${api.origin}${new URL(sd.baseUrl).pathname}`,
        env: { NODE_EXTRA_CA_CERTS: rig.ca.caFile },
        counts: () => ({ discord: { ...rest.counts }, gateway: { ...gateway.counts }, api: { ...api.counts } }),
        close: async () => {
          await Promise.allSettled(fronts.map((f) => f.close()));
          await close();
        },
      };
    } catch (error) {
      await Promise.allSettled(fronts.map((f) => f.close()));
      await world.close();
      throw error;
    }
  }
  collectGarbage();
  return world;
}

export function netDelta(after: NetFigures | undefined, before: NetFigures | undefined): NetFigures | undefined {
  if (!after || !before) return undefined;
  return {
    discord: minus(after.discord, before.discord),
    gateway: minus(after.gateway, before.gateway),
    api: minus(after.api, before.api),
  };
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
  /** First send -> last send (0 for a burst sent at once; the paced run's sending time). */
  sendMs: number;
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
  /** The benchmark process's own CPU (the stand-ins, all threads) over the same window. */
  benchCpuMs: number;
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
  /** TLS rig: what the fronts saw from start to ready + setup, and during the burst. */
  net?: { ready: NetFigures; burst: NetFigures };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function adminRole(discord: DiscordStandIn, guildId: string): string {
  return discord.roleByName(guildId, 'Admin').id;
}

export async function prefillReferenceStore(file: string, workload: Workload): Promise<void> {
  const keyv = new Keyv(new KeyvSqlite(`sqlite://${file}`));
  for (const { guildId, key } of workload.keyed) {
    if (!(await keyv.set(guildId, key))) throw new Error(`could not prefill the reference store at ${file}`);
  }
  await keyv.disconnect();
}

export function describeError(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'error';
}

export async function setKeysThroughApikeySet(
  discord: DiscordStandIn,
  workload: Workload,
): Promise<{ ms: number; failures: string[] }> {
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
      if (title !== 'API key checked and saved' && title !== 'API key saved, not checked')
        failures.push(`${guildId}: /apikey set answered "${title ?? reply.message.content}"`);
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

/** One /clearcache to send: from this server's admin, to the endpoint set (or `endpoint`, one of several HTTP bots). */
export interface Send {
  guildId: string;
  adminId: string;
  key: string;
  endpoint?: string;
}

/**
 * Sends /clearcache interactions and waits for every answer: all at once (one synchronous loop, as
 * a gateway burst arrives), or paced at `ratePerS` (each send at its scheduled time, late ticks
 * catching up, so the offered rate holds whatever the timer's jitter). The CPU figures add up
 * every process in `bots` (several workers of one bot); any of them exiting stops the wait.
 */
export async function driveInteractions(
  discord: DiscordStandIn,
  sd: SdApiStandIn,
  bots: BotProcess[],
  sends: readonly Send[],
  ratePerS?: number,
): Promise<BurstResult> {
  const apiBefore = sd.requests.length;
  // If a bot dies mid-run, what it has not answered never will be: stop waiting shortly after.
  const gone = Promise.race(bots.map((bot) => bot.exited)).then(async (code) => {
    await sleep(EXIT_GRACE_MS);
    throw new Error(`the bot exited (${code}) before answering`);
  });
  gone.catch(() => undefined);
  const untilGone = <T>(promise: Promise<T>) => Promise.race([promise, gone]);

  // The stand-ins live in this process: collect its garbage now, so that a pause of ours does not
  // land in the middle of the burst and get counted against whichever bot is being measured.
  collectGarbage();
  const before = bots.map((bot) => procStats(bot.pid));
  const benchBefore = process.cpuUsage();
  // A light sampler, only so that a bot that dies mid-burst still has a CPU figure.
  const lastStats: ProcStats[] = [...before];
  const sampler = setInterval(() => {
    bots.forEach((bot, i) => {
      lastStats[i] = procStatsIfAlive(bot.pid) ?? (lastStats[i] as ProcStats);
    });
  }, CPU_SAMPLE_MS);

  const sent: Array<{ guildId: string; key: string; handle: InteractionHandle }> = [];
  const outcomes: Array<Promise<{ callback?: RecordedRequest; reply?: VisibleReply; error?: string }>> = [];
  const send = ({ guildId, adminId, key, endpoint }: Send) => {
    const handle = discord.sendInteraction({
      guildId,
      userId: adminId,
      roles: [adminRole(discord, guildId)],
      command: 'clearcache',
      timeoutMs: INTERACTION_TIMEOUT_MS,
      ...(endpoint ? { endpoint } : {}),
    });
    sent.push({ guildId, key, handle });
    // Only timestamps are taken while the bot works; everything is checked once it is done.
    outcomes.push(
      (async () => {
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
      })(),
    );
  };
  if (ratePerS === undefined) {
    for (const s of sends) send(s);
  } else {
    const startedAt = performance.now();
    let next = 0;
    let stop = false;
    void gone.catch(() => (stop = true));
    await new Promise<void>((resolve) => {
      const tick = () => {
        const due = stop
          ? sends.length
          : Math.min(sends.length, Math.floor(((performance.now() - startedAt) * ratePerS) / 1000) + 1);
        // A bot that has gone is sent nothing more; what was planned counts as never answered.
        while (next < due) {
          if (stop) outcomes.push(Promise.resolve({ error: 'not sent: the bot had exited' }));
          else send(sends[next] as Send);
          next += 1;
        }
        if (next >= sends.length) resolve();
        else setTimeout(tick, PACE_TICK_MS);
      };
      tick();
    });
  }
  const settled = await Promise.all(outcomes);
  const end = bots.map((bot) => procStatsIfAlive(bot.pid));
  const benchCpu = process.cpuUsage(benchBefore);
  clearInterval(sampler);
  const after = end.map((e, i) => e ?? (lastStats[i] as ProcStats));

  const firstSentAt = Math.min(...sent.map((s) => s.handle.sentAt));
  const lastSentAt = Math.max(...sent.map((s) => s.handle.sentAt));
  const ackMs: number[] = [];
  const replyMs: number[] = [];
  const failures: string[] = [];
  const late: string[] = [];
  let answeredInOne = 0;
  let deferred = 0;
  let lastReplyAt = Number.NaN;
  // When the API saw each key: a key sent several times (a paced run cycles the servers) is matched in order.
  const apiAt = new Map<string, number[]>();
  for (const r of sd.requests.slice(apiBefore)) {
    const key = (r.json as { key?: unknown } | undefined)?.key;
    if (typeof key === 'string') {
      const times = apiAt.get(key) ?? [];
      times.push(r.at);
      apiAt.set(key, times);
    }
  }
  const samples: Sample[] = sent.map(({ guildId, key, handle }, index) => {
    const { callback, reply, error } = settled[index] as {
      callback?: RecordedRequest;
      reply?: VisibleReply;
      error?: string;
    };
    const apiTime = apiAt.get(key)?.shift();
    const sample: Sample = {
      guildId,
      sent: handle.sentAt - firstSentAt,
      callback: callback ? callback.at - firstSentAt : Number.NaN,
      callbackType: Number((callback?.body as { type?: unknown } | undefined)?.type ?? Number.NaN),
      callbackStatus: callback?.status ?? Number.NaN,
      api: (apiTime ?? Number.NaN) - firstSentAt,
      reply: Number.NaN,
    };
    const accepted =
      callback !== undefined && callback.status < 300 && callback.at - handle.sentAt <= CALLBACK_DEADLINE_MS;
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
    else if (callback.status >= 300)
      problem = `acknowledgement refused (${callback.status}, after ${(callback.at - handle.sentAt).toFixed(0)} ms)`;
    else if (!reply) problem = error ?? 'no visible answer';
    else {
      const embed = reply.message.embeds[0];
      const ephemeral = ((reply.message.flags ?? 0) & (1 << 6)) !== 0;
      if (embed?.title !== 'Cache cleared' || ephemeral)
        problem = `answered ${ephemeral ? 'privately ' : ''}"${embed?.title ?? reply.message.content}" ${embed?.description ?? ''}`;
      else if (apiTime === undefined) problem = "answered, but the API never saw this server's key";
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
  // Planned sends that never went out (the bot had exited) count as failed, never answered.
  for (let i = sent.length; i < settled.length; i++) {
    failures.push(`${sends[i]?.guildId ?? '?'}: ${settled[i]?.error ?? 'not sent'}`);
    late.push(`${sends[i]?.guildId ?? '?'}: never acknowledged (not sent)`);
    ackMs.push(Number.POSITIVE_INFINITY);
    replyMs.push(Number.POSITIVE_INFINITY);
  }
  const lastAt = Number.isNaN(lastReplyAt) ? firstSentAt : lastReplyAt;
  const sum = (stats: ProcStats[], get: (s: ProcStats) => number) => stats.reduce((a, s) => a + get(s), 0);
  return {
    samples,
    ackMs,
    replyMs,
    wallMs: lastReplyAt - firstSentAt,
    sendMs: lastSentAt - firstSentAt,
    failures,
    late,
    answeredInOne,
    deferred,
    apiRequests: sd.requests.length - apiBefore,
    cpuMs: sum(after, (s) => s.cpuMs) - sum(before, (s) => s.cpuMs),
    mainCpuMs: sum(after, (s) => s.mainCpuMs) - sum(before, (s) => s.mainCpuMs),
    cpuUntilExit: end.some((e) => e === undefined),
    benchCpuMs: (benchCpu.user + benchCpu.system) / 1000,
    windowUs: [monotonicUs(firstSentAt), monotonicUs(lastAt)],
  };
}

/** Our bot's ready log line (JSON, msg "ready"). */
export function isOurReadyLine(text: string): boolean {
  if (!text.includes('"msg":"ready"')) return false;
  try {
    return (JSON.parse(text) as { msg?: unknown }).msg === 'ready';
  } catch {
    return false;
  }
}

/** What a bot wrote on stderr, and (for our JSON logs) every line at warn level or above. */
export function complaintsOf(bot: BotProcess, jsonLogs: boolean): string[] {
  return bot.lines
    .filter((l) => {
      if (l.stream === 'stderr') return l.text.trim() !== '';
      if (!jsonLogs) return false;
      try {
        return ((JSON.parse(l.text) as { level?: number }).level ?? 0) >= 40;
      } catch {
        return true;
      }
    })
    .map((l) => l.text);
}

export interface MeasureOptions {
  logLevel: string;
  /** Extra node flags for the bot process, before its entry (investigation: --cpu-prof, --trace-gc...). */
  nodeArgs?: string[];
  /** Our bot's entry (default dist/src/bin/start.js; another build to compare, e.g. a patched copy). */
  ourEntry?: string;
  /** The plain loopback rig (default) or the TLS one. */
  rig?: Rig;
}

export async function measureBot(
  kind: BotKind,
  scenario: Scenario,
  workload: Workload,
  { logLevel, nodeArgs = [], ourEntry = OUR_ENTRY, rig = PLAIN }: MeasureOptions,
): Promise<BotFigures> {
  const world = await startWorld(workload, rig);
  const { discord, sd } = world;
  const dir = tempDir(`sdbot-bench-${kind}-`);
  // An interrupted benchmark (Ctrl+C, the overall deadline) still removes its temp folder.
  const removeOnExit = () => dir.remove();
  process.on('exit', removeOnExit);
  let bot: BotProcess | undefined;
  try {
    const dataDir = join(dir.path, 'data');
    mkdirSync(dataDir, { recursive: true });
    let readyMatch: (text: string) => boolean;
    if (kind === 'ours') {
      const env = {
        DISCORD_TOKEN: TOKEN,
        DISCORD_API_URL: world.discordApiUrl,
        SD_API_BASE_URL: world.sdBaseUrl,
        SD_API_TIMEOUT_MS: '10000',
        CLEARCACHE_COOLDOWN_S: '0',
        DATABASE_URL: `sqlite://${join(dataDir, 'bot.sqlite')}`,
        LOG_LEVEL: logLevel,
        NODE_ENV: 'production',
        ...world.env,
      };
      bot = startBotProcess(env, dir.path, ourEntry, [], [...OUR_NODE_FLAGS, ...nodeArgs]);
      readyMatch = isOurReadyLine;
    } else {
      const file = join(dataDir, 'keys.sqlite');
      await prefillReferenceStore(file, workload);
      const env = {
        DISCORD_TOKEN: TOKEN,
        DISCORD_API_URL: world.discordApiUrl,
        SD_API_BASE_URL: world.sdBaseUrl,
        REFERENCE_DB: file,
        REFERENCE_MODE: kind,
        ...world.env,
      };
      bot = startBotProcess(env, dir.path, REFERENCE_ENTRY, [], nodeArgs);
      readyMatch = (text) => text.startsWith('Ready!');
    }
    const exited = watchExit(bot);
    const ready = await bot.waitForLine(readyMatch, READY_TIMEOUT_MS, `${kind} bot's ready line`);
    const { readyCpuMs, rssReadyKiB, setupMs, setupFailures } = await settleAfterReady(
      bot,
      discord,
      workload,
      kind === 'ours',
    );

    sd.setLatency(scenario.apiLatencyMs);
    const netBefore = world.counts();
    const burstStartedAt = performance.now();
    const burst = await driveInteractions(discord, sd, [bot], workload.keyed);
    const netBurst = netDelta(world.counts(), netBefore);
    await sleep(SETTLE_MS);
    const after = procStatsIfAlive(bot.pid);
    const complaints = complaintsOf(bot, kind === 'ours');
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
      ...(exited.code !== undefined && exited.at !== undefined
        ? { exit: { code: exited.code, atMs: exited.at - burstStartedAt } }
        : {}),
      complaints,
      ...(netBefore && netBurst ? { net: { ready: netBefore, burst: netBurst } } : {}),
    };
  } finally {
    await bot?.stop('SIGTERM', 5_000).catch(() => undefined);
    await world.close();
    dir.remove();
    process.off('exit', removeOnExit);
  }
}

/** When the bot exits on its own, and at what time (filled in once it has). */
export function watchExit(bot: BotProcess): { code?: number | string; at?: number } {
  const exited: { code?: number | string; at?: number } = {};
  void bot.exited.then((code) => {
    exited.code = code;
    exited.at = performance.now();
  });
  return exited;
}

/**
 * From a bot's ready line to its burst: the CPU it took to get ready, its RSS once settled, and,
 * for our bot, the keys set through real /apikey set interactions (the guide bots' store is filled before they start).
 */
export async function settleAfterReady(
  bot: BotProcess,
  discord: DiscordStandIn,
  workload: Workload,
  setKeys: boolean,
): Promise<{ readyCpuMs: number; rssReadyKiB: number; setupMs: number | undefined; setupFailures: string[] }> {
  const readyCpuMs = procStats(bot.pid).cpuMs;
  await sleep(SETTLE_MS);
  const rssReadyKiB = procStats(bot.pid).rssKiB;
  if (!setKeys) return { readyCpuMs, rssReadyKiB, setupMs: undefined, setupFailures: [] };
  const setup = await setKeysThroughApikeySet(discord, workload);
  await sleep(SETTLE_MS);
  return { readyCpuMs, rssReadyKiB, setupMs: setup.ms, setupFailures: setup.failures };
}

/** The benchmark process's own garbage (2,000 guild payloads...) collected before a measurement, so its GC pauses do not land in one. */
export const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose_gc');
  return runInNewContext('gc') as () => void;
})();
