/**
 * The benchmark's machinery (run.ts is the entry): the deterministic workload, one bot measured
 * against fresh stand-ins, and the report. See run.ts for what is measured.
 *
 *   const workload = makeWorkload();
 *   const figures = await measureBot('ours', workload, { logLevel: 'info' });
 *   report({ ours, reference }, 'info', totalMs);
 */
import { mkdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import KeyvSqlite from '@keyv/sqlite';
import { version as discordJsVersion } from 'discord.js';
import Keyv from 'keyv';
import { type DiscordStandIn, type GuildSpec, type InteractionHandle, startDiscordStandIn, stringOption } from '../support/discord-standin.js';
import { TOKEN } from '../support/rig.js';
import { type SdApiStandIn, startSdApiStandIn } from '../support/sdapi-standin.js';
import { tempDir } from '../support/temp.js';
import { type BotChild, type ProcStats, procStats, spawnBot } from './proc.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
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
  cpuMs: number;
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

async function clearcacheBurst(discord: DiscordStandIn, sd: SdApiStandIn, bot: BotChild, workload: Workload): Promise<BurstResult> {
  const apiBefore = sd.requests.length;
  const cpuBefore = procStats(bot.pid).cpuMs;
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
    cpuMs: procStats(bot.pid).cpuMs - cpuBefore,
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
  let bot: BotChild | undefined;
  try {
    // The stand-in builds each server's ids and roles on first use; build all 2,000 now so that
    // work is charged to neither bot.
    for (const { id } of workload.guilds) discord.guild(id);

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
      bot = spawnBot([...nodeArgs, ourEntry], env, dir.path);
      readyMatch = (text) => text.includes('"msg":"ready"') && (JSON.parse(text) as { msg?: unknown }).msg === 'ready';
    } else {
      const file = join(dataDir, 'keys.sqlite');
      await prefillReferenceStore(file, workload);
      const env = { DISCORD_TOKEN: TOKEN, DISCORD_API_URL: discord.apiUrl, SD_API_BASE_URL: sd.baseUrl, REFERENCE_DB: file };
      // cwd: the project, so that `--import tsx` resolves from its node_modules.
      bot = spawnBot([...nodeArgs, '--import', 'tsx', REFERENCE_ENTRY], env, ROOT);
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
      readyMs: ready.at - bot.spawnedAt,
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
    await bot?.stop().catch(() => undefined);
    await Promise.allSettled([discord.close(), sd.close()]);
    dir.remove();
  }
}

// ------------------------------------------------------------------ report

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

const ms = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? 'n/a' : `${v.toFixed(0)} ms`);
const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;
const count = (n: number) => String(n);

function ratio(ours: number | undefined, reference: number | undefined): string {
  if (ours === undefined || reference === undefined || Number.isNaN(ours) || Number.isNaN(reference)) return 'n/a';
  if (reference === 0) return ours === 0 ? '-' : 'inf';
  return `${(ours / reference).toFixed(2)}x`;
}

export function printHeader(order: readonly BotKind[]): void {
  const cpu = cpus();
  console.log('sd-cache-bot benchmark: ours (node dist/src/main.js) vs a discord.js-guide reference bot (node --import tsx)');
  console.log(
    `machine: ${cpu.length} cpu(s) ${cpu[0]?.model.trim() ?? ''}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ` +
      `node ${process.version} ${process.platform}/${process.arch}, discord.js ${discordJsVersion}`,
  );
  console.log(
    `workload: ${GUILDS} servers x ${CHANNELS} channels x ${ROLES} roles (${MEMBERS} members); ${KEYED} keyed servers; ` +
      `${KEYED} /clearcache at once; API latency ${SD_LATENCY_MS} ms; seed ${SEED.toString(16)}; order ${order.join(' then ')}`,
  );
}

export function report(figures: Record<BotKind, BotFigures>, logLevel: string, totalMs: number): void {
  const { ours, reference } = figures;
  type Row = [string, (f: BotFigures) => number | undefined, (v: number) => string];
  const rows: Row[] = [
    ['spawn -> ready', (f) => f.readyMs, ms],
    ['CPU time, spawn -> ready', (f) => f.readyCpuMs, ms],
    ['RSS 1 s after ready', (f) => f.rssReadyKiB, mib],
    [`ack latency p50 (${KEYED} at once)`, (f) => percentile(f.burst.ackMs, 50), ms],
    ['ack latency p99', (f) => percentile(f.burst.ackMs, 99), ms],
    ['ack latency max', (f) => Math.max(...f.burst.ackMs), ms],
    ['final reply latency p50', (f) => percentile(f.burst.replyMs, 50), ms],
    ['final reply latency p99', (f) => percentile(f.burst.replyMs, 99), ms],
    ['final reply latency max', (f) => Math.max(...f.burst.replyMs), ms],
    ['wall time, first send -> last reply', (f) => f.burst.wallMs, ms],
    ['CPU time during the burst', (f) => f.burst.cpuMs, ms],
    ['RSS 1 s after the burst', (f) => f.rssAfterKiB, mib],
    ['peak RSS (VmHWM)', (f) => f.hwmKiB, mib],
    ['failed /clearcache', (f) => f.burst.failures.length, count],
    [`missed the ${CALLBACK_DEADLINE_MS / 1000} s callback deadline`, (f) => f.burst.missedDeadline.length, count],
  ];
  const table = [
    ['figure (lower is better)', 'ours', 'reference', 'ours/ref'],
    ...rows.map(([label, get, format]) => {
      const a = get(ours);
      const b = get(reference);
      return [label, a === undefined ? 'n/a' : format(a), b === undefined ? 'n/a' : format(b), ratio(a, b)];
    }),
  ];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => (r[c] as string).length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  console.log(line(table[0]!));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of table.slice(1)) console.log(line(r));
  console.log('');
  console.log(`gateway intents identified: ours ${ours.intents}, reference ${reference.intents}`);
  console.log(`ready lines: ours ${ours.readyLine.slice(0, 160)}`);
  console.log(`             reference ${reference.readyLine}`);
  console.log(
    `our key setup: ${KEYED} /apikey set one after another in ${ms(ours.setupMs)} (${((ours.setupMs ?? 0) / KEYED).toFixed(1)} ms each), ` +
      `${ours.setupFailures.length} failed; the reference's store was filled before it started`,
  );
  console.log(`API requests during the burst: ours ${ours.burst.apiRequests}, reference ${reference.burst.apiRequests} (one per server expected)`);
  console.log(`our bot ran with LOG_LEVEL=${logLevel}; the reference writes nothing per interaction`);
  for (const f of [ours, reference]) {
    const problems = [
      ...f.setupFailures.map((s) => `setup: ${s}`),
      ...f.burst.missedDeadline.map((s) => `missed deadline: ${s}`),
      ...f.burst.failures.map((s) => `failed: ${s}`),
      ...f.complaints.map((s) => `logged: ${s.slice(0, 300)}`),
    ];
    if (problems.length === 0) continue;
    console.log(`\n${f.kind}: ${problems.length} problem line(s), first 10:`);
    for (const p of problems.slice(0, 10)) console.log(`  ${p}`);
  }
  console.log(`\nbench took ${(totalMs / 1000).toFixed(1)} s`);
}

