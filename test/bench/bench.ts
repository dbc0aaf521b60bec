/**
 * The benchmark's machinery (run.ts is the entry): the deterministic workload, one bot measured
 * against fresh stand-ins, and the report. See run.ts for what is measured.
 *
 *   const workload = makeWorkload();
 *   const ours = await measureBot('ours', workload, { logLevel: 'info' });        // one fresh round
 *   const reference = await measureBot('reference', workload, { logLevel: 'info' });
 *   report({ ours: [ours], reference: [reference] }, 'info', await measureLoaderOverhead(), totalMs);
 */
import { mkdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import KeyvSqlite from '@keyv/sqlite';
import { version as discordJsVersion } from 'discord.js';
import Keyv from 'keyv';
import { type DiscordStandIn, type GuildSpec, type InteractionHandle, startDiscordStandIn, stringOption } from '../support/discord-standin.js';
import { TOKEN } from '../support/rig.js';
import { type SdApiStandIn, startSdApiStandIn } from '../support/sdapi-standin.js';
import { tempDir } from '../support/temp.js';
import { type BotProcess, startBotProcess } from '../support/bot-process.js';
import { type ProcStats, procStats } from './proc.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUR_ENTRY = join(ROOT, 'dist/src/main.js');
const REFERENCE_ENTRY = join(ROOT, 'test/bench/reference-bot.ts');

export const GUILDS = 2_000;
export const CHANNELS = 50;
export const ROLES = 30;
export const MEMBERS = 25;
export const KEYED = 300;
export const SD_LATENCY_MS = 100;
const SETTLE_MS = 1_000;
export const CALLBACK_DEADLINE_MS = 3_000;
const READY_TIMEOUT_MS = 60_000;
const INTERACTION_TIMEOUT_MS = 30_000;
export const WHOLE_BENCH_TIMEOUT_MS = 5 * 60_000;
export const SEED = 0x5eed_2024;

export type BotKind = 'ours' | 'reference';

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
  ack: number;
  /** When the API stand-in received this server's clear. */
  api: number;
  reply: number;
}

export interface BurstResult {
  samples: Sample[];
  ackMs: number[];
  replyMs: number[];
  wallMs: number;
  failures: string[];
  missedDeadline: string[];
  apiRequests: number;
  /** CPU used from the first send to the last reply: all threads, and the main thread alone. */
  cpuMs: number;
  mainCpuMs: number;
}

export interface BotFigures {
  kind: BotKind;
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

async function clearcacheBurst(discord: DiscordStandIn, sd: SdApiStandIn, bot: BotProcess, workload: Workload): Promise<BurstResult> {
  const apiBefore = sd.requests.length;
  const before = procStats(bot.pid);
  const sent: Array<{ guildId: string; key: string; handle: InteractionHandle }> = [];
  // The stand-ins live in this process: collect its garbage now, so that a pause of ours does not
  // land in the middle of the burst and get counted against whichever bot is being measured.
  (globalThis as { gc?: () => void }).gc?.();
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
  const ackMs: number[] = [];
  const replyMs: number[] = [];
  const failures: string[] = [];
  const missedDeadline: string[] = [];
  let lastReplyAt = Number.NaN;
  const firstSentAt = Math.min(...sent.map((s) => s.handle.sentAt));
  const samples: Sample[] = sent.map(({ guildId, handle }) => ({ guildId, sent: handle.sentAt - firstSentAt, ack: Number.NaN, api: Number.NaN, reply: Number.NaN }));
  await Promise.all(
    sent.map(async ({ guildId, key, handle }, index) => {
      const sample = samples[index] as Sample;
      let callback;
      try {
        callback = await handle.callback;
      } catch (error) {
        failures.push(`${guildId}: no acknowledgement (${describeError(error)})`);
        return;
      }
      const ack = callback.at - handle.sentAt;
      sample.ack = callback.at - firstSentAt;
      if (callback.status >= 300 || ack > CALLBACK_DEADLINE_MS) {
        missedDeadline.push(`${guildId}: callback after ${ack.toFixed(0)} ms answered ${callback.status} ${JSON.stringify(callback.body ?? '')}`);
      }
      if (callback.status >= 300) {
        failures.push(`${guildId}: acknowledgement refused (${callback.status})`);
        return;
      }
      ackMs.push(ack);
      try {
        const reply = await handle.reply();
        replyMs.push(reply.at - handle.sentAt);
        sample.reply = reply.at - firstSentAt;
        if (!(reply.at <= lastReplyAt)) lastReplyAt = reply.at;
        const embed = reply.message.embeds[0];
        const ephemeral = ((reply.message.flags ?? 0) & (1 << 6)) !== 0;
        if (embed?.title !== 'Cache cleared' || ephemeral) {
          failures.push(`${guildId}: answered ${ephemeral ? 'privately ' : ''}"${embed?.title ?? reply.message.content}" ${embed?.description ?? ''}`);
        }
        const apiRequest = sd.requests.find((r, i) => i >= apiBefore && (r.json as { key?: unknown } | undefined)?.key === key);
        if (apiRequest) sample.api = apiRequest.at - firstSentAt;
        else failures.push(`${guildId}: answered, but the API never saw this server's key`);
      } catch (error) {
        failures.push(`${guildId}: ${describeError(error)}`);
      }
    }),
  );
  return {
    samples,
    ackMs,
    replyMs,
    wallMs: lastReplyAt - firstSentAt,
    failures,
    missedDeadline,
    apiRequests: sd.requests.length - apiBefore,
    ...(() => {
      const after = procStats(bot.pid);
      return { cpuMs: after.cpuMs - before.cpuMs, mainCpuMs: after.mainCpuMs - before.mainCpuMs };
    })(),
  };
}

export interface MeasureOptions {
  /** Our bot's LOG_LEVEL. */
  logLevel: string;
  /** Extra node flags for the bot process, before its entry (investigation: --cpu-prof, --trace-gc...). */
  nodeArgs?: string[];
  /** Our bot's entry (default dist/src/main.js; another build to compare, e.g. a patched copy). */
  ourEntry?: string;
}

export async function measureBot(kind: BotKind, workload: Workload, { logLevel, nodeArgs = [], ourEntry = OUR_ENTRY }: MeasureOptions): Promise<BotFigures> {
  const discord = await startDiscordStandIn({ token: TOKEN, guilds: workload.guilds, callbackDeadlineMs: CALLBACK_DEADLINE_MS });
  const sd = await startSdApiStandIn({ latencyMs: SD_LATENCY_MS });
  const dir = tempDir(`sdbot-bench-${kind}-`);
  // An interrupted benchmark (Ctrl+C, the overall deadline) still removes its temp folder.
  const removeOnExit = () => dir.remove();
  process.on('exit', removeOnExit);
  let bot: BotProcess | undefined;
  try {
    // The stand-in builds each server's ids and roles on first use; build all 2,000 now so that
    // work is charged to neither bot.
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
      bot = startBotProcess(env, dir.path, ourEntry, [], nodeArgs);
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
      const env = { DISCORD_TOKEN: TOKEN, DISCORD_API_URL: discord.apiUrl, SD_API_BASE_URL: sd.baseUrl, REFERENCE_DB: file };
      // cwd: the project, so that `--import tsx` resolves from its node_modules.
      bot = startBotProcess(env, ROOT, REFERENCE_ENTRY, [], [...nodeArgs, '--import', 'tsx']);
      readyMatch = (text) => text.startsWith('Ready!');
    }
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

    collectGarbage();
    const burst = await clearcacheBurst(discord, sd, bot, workload);
    await sleep(SETTLE_MS);
    const after: ProcStats = procStats(bot.pid);
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
      intents: discord.identifies[0]?.intents ?? Number.NaN,
      readyLine: ready.text,
      readyMs: ready.at - bot.startedAt,
      readyCpuMs,
      rssReadyKiB,
      setupMs,
      setupFailures,
      burst,
      rssAfterKiB: after.rssKiB,
      hwmKiB: after.hwmKiB,
      complaints,
    };
  } finally {
    await bot?.stop('SIGTERM', 5_000).catch(() => undefined);
    await Promise.allSettled([discord.close(), sd.close()]);
    dir.remove();
    process.off('exit', removeOnExit);
  }
}

// ------------------------------------------------------------------ report

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

const ms = (v: number) => (Number.isNaN(v) ? 'n/a' : `${v.toFixed(0)} ms`);
const mib = (kib: number) => (Number.isNaN(kib) ? 'n/a' : `${(kib / 1024).toFixed(1)} MiB`);
const count = (n: number) => String(n);

function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function ratio(ours: number, reference: number): string {
  if (Number.isNaN(ours) || Number.isNaN(reference)) return 'n/a';
  if (reference === 0) return ours === 0 ? '-' : 'inf';
  return `${(ours / reference).toFixed(2)}x`;
}

/** The benchmark process's own garbage (2,000 guild payloads...) collected before a measurement, so its GC pauses do not land in one. */
export const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose_gc');
  return runInNewContext('gc') as () => void;
})();

export interface LoaderOverhead {
  plainKiB: number;
  tsxKiB: number;
  /** Spawn -> the probe's modules loaded, ms. */
  plainStartMs: number;
  tsxStartMs: number;
}

/**
 * What `node --import tsx` costs in RSS by itself (its loader runs on a thread of its own): the
 * same idle script importing the reference's libraries, run both ways.
 */
export async function measureLoaderOverhead(): Promise<LoaderOverhead> {
  const probe = join(ROOT, 'test/bench/probe.mjs');
  const run = async (args: string[]) => {
    const child = startBotProcess({}, ROOT, probe, [], args);
    try {
      const line = await child.waitForLine((text) => text.startsWith('rss '), 20_000, 'the probe line');
      // The probe idles 1 s after its imports before it prints.
      return { kib: Number(line.text.split(' ')[1]), startMs: line.at - child.startedAt - 1_000 };
    } finally {
      await child.stop('SIGTERM', 5_000);
    }
  };
  const plain = await run([]);
  const tsx = await run(['--import', 'tsx']);
  return { plainKiB: plain.kib, tsxKiB: tsx.kib, plainStartMs: plain.startMs, tsxStartMs: tsx.startMs };
}

export function printHeader(rounds: number): void {
  const cpu = cpus();
  console.log('sd-cache-bot benchmark: ours (node dist/src/main.js) vs a discord.js-guide reference bot (node --import tsx test/bench/reference-bot.ts)');
  console.log(
    `machine: ${cpu.length} cpu(s) ${cpu[0]?.model.trim() ?? ''}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ` +
      `node ${process.version} ${process.platform}/${process.arch}, discord.js ${discordJsVersion}`,
  );
  console.log(
    `workload: ${GUILDS} servers x ${CHANNELS} channels x ${ROLES} roles (${MEMBERS} members); ${KEYED} keyed servers; ` +
      `${KEYED} /clearcache at once; API latency ${SD_LATENCY_MS} ms; seed ${SEED.toString(16)}; ` +
      `${rounds} round(s), each bot fresh in each, order alternating`,
  );
}

export function report(rounds: Record<BotKind, BotFigures[]>, logLevel: string, loader: LoaderOverhead | undefined, totalMs: number): void {
  const { ours, reference } = rounds;
  const n = ours.length;
  type Row = [string, (f: BotFigures) => number, (v: number) => string, 'median' | 'sum'];
  const rows: Row[] = [
    ['spawn -> ready', (f) => f.readyMs, ms, 'median'],
    ['CPU time, spawn -> ready', (f) => f.readyCpuMs, ms, 'median'],
    ['RSS 1 s after ready', (f) => f.rssReadyKiB, mib, 'median'],
    [`ack latency p50 (${KEYED} at once)`, (f) => percentile(f.burst.ackMs, 50), ms, 'median'],
    ['ack latency p99', (f) => percentile(f.burst.ackMs, 99), ms, 'median'],
    ['ack latency max', (f) => Math.max(...f.burst.ackMs), ms, 'median'],
    ['final reply latency p50', (f) => percentile(f.burst.replyMs, 50), ms, 'median'],
    ['final reply latency p99', (f) => percentile(f.burst.replyMs, 99), ms, 'median'],
    ['wall time, first send -> last reply', (f) => f.burst.wallMs, ms, 'median'],
    ['CPU time during the burst, all threads', (f) => f.burst.cpuMs, ms, 'median'],
    ['CPU time during the burst, main thread', (f) => f.burst.mainCpuMs, ms, 'median'],
    ['RSS 1 s after the burst', (f) => f.rssAfterKiB, mib, 'median'],
    ['peak RSS (VmHWM)', (f) => f.hwmKiB, mib, 'median'],
    [`failed /clearcache (of ${KEYED * n})`, (f) => f.burst.failures.length, count, 'sum'],
    [`missed the ${CALLBACK_DEADLINE_MS / 1000} s callback deadline (of ${KEYED * n})`, (f) => f.burst.missedDeadline.length, count, 'sum'],
  ];
  const cell = (values: number[], format: (v: number) => string, how: 'median' | 'sum'): [number, string] => {
    if (how === 'sum') {
      const total = values.reduce((a, b) => a + b, 0);
      return [total, format(total)];
    }
    const m = median(values);
    if (values.length < 2) return [m, format(m)];
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    return [m, `${format(m)} [${format(lo).split(' ')[0]}-${format(hi)}]`];
  };
  const head = n > 1 ? ` (median [min-max] of ${n})` : '';
  const table = [
    ['figure (lower is better)', `ours${head}`, `reference${head}`, 'ours/ref'],
    ...rows.map(([label, get, format, how]) => {
      const [a, aText] = cell(ours.map(get), format, how);
      const [b, bText] = cell(reference.map(get), format, how);
      return [label, aText, bText, ratio(a, b)];
    }),
  ];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => (r[c] as string).length)));
  const line = (r: string[]) => r.map((text, c) => (c === 0 ? text.padEnd(widths[c]!) : text.padStart(widths[c]!))).join('  ');
  console.log(line(table[0]!));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of table.slice(1)) console.log(line(r));
  console.log('');

  const first = { ours: ours[0]!, reference: reference[0]! };
  console.log(`gateway intents identified: ours ${first.ours.intents}, reference ${first.reference.intents} (GUILDS = 1)`);
  console.log(`ready lines: ours ${first.ours.readyLine.slice(0, 100)}...`);
  console.log(`             reference ${first.reference.readyLine}`);
  const setup = median(ours.map((f) => f.setupMs ?? Number.NaN));
  console.log(
    `our key setup: ${KEYED} /apikey set one after another in ${ms(setup)} (median; ${(setup / KEYED).toFixed(1)} ms each), ` +
      `${ours.reduce((a, f) => a + f.setupFailures.length, 0)} failed; the reference's store is filled before it starts`,
  );
  console.log(
    `API requests per burst: ours ${ours.map((f) => f.burst.apiRequests).join('/')}, reference ${reference.map((f) => f.burst.apiRequests).join('/')} (one per server expected)`,
  );
  const perSecond = (f: BotFigures) => {
    const counts: number[] = [];
    for (const { reply } of f.burst.samples) if (!Number.isNaN(reply)) counts[Math.floor(reply / 1000)] = (counts[Math.floor(reply / 1000)] ?? 0) + 1;
    return Array.from(counts, (c) => c ?? 0).join(' ');
  };
  console.log(`replies per second after the first send (round 1): ours ${perSecond(first.ours)}; reference ${perSecond(first.reference)}`);
  console.log('  (@discordjs/rest queues interaction edits under its default global limit of 50 requests/s; our client raises it)');
  console.log(`our bot ran with LOG_LEVEL=${logLevel} (one JSON line per interaction at info); the reference writes nothing per interaction`);
  if (loader) {
    const extra = loader.tsxKiB - loader.plainKiB;
    const readyRef = median(reference.map((f) => f.rssReadyKiB));
    const afterRef = median(reference.map((f) => f.rssAfterKiB));
    const readyMsRef = median(reference.map((f) => f.readyMs));
    const startExtra = loader.tsxStartMs - loader.plainStartMs;
    console.log(
      `running under tsx costs the reference ${mib(extra)} of RSS and ${ms(startExtra)} of start-up by itself ` +
        `(an idle probe importing its libraries: ${mib(loader.plainKiB)} / ${ms(loader.plainStartMs)} under node, ` +
        `${mib(loader.tsxKiB)} / ${ms(loader.tsxStartMs)} under node --import tsx); without that, the ratios would be ` +
        `${ratio(median(ours.map((f) => f.rssReadyKiB)), readyRef - extra)} (RSS after ready), ` +
        `${ratio(median(ours.map((f) => f.rssAfterKiB)), afterRef - extra)} (RSS after the burst), ` +
        `${ratio(median(ours.map((f) => f.readyMs)), readyMsRef - startExtra)} (spawn -> ready)`,
    );
  }
  for (const kind of ['ours', 'reference'] as const) {
    const problems = rounds[kind].flatMap((f, round) => [
      ...f.setupFailures.map((s) => `round ${round + 1} setup: ${s}`),
      ...f.burst.missedDeadline.map((s) => `round ${round + 1} missed deadline: ${s}`),
      ...f.burst.failures.map((s) => `round ${round + 1} failed: ${s}`),
      ...f.complaints.map((s) => `round ${round + 1} logged: ${s.slice(0, 300)}`),
    ]);
    if (problems.length === 0) continue;
    console.log(`\n${kind}: ${problems.length} problem line(s), first 10:`);
    for (const p of problems.slice(0, 10)) console.log(`  ${p}`);
  }
  console.log(`\nbench took ${(totalMs / 1000).toFixed(1)} s`);
}
