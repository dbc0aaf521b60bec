/**
 * The printout of `npm run bench -- --http` (scale-report.ts uses its helpers): per figure the median of the rounds
 * with their range, and ratios as the median of the per-round ratios (the runs of one round are
 * minutes apart at most on the same noisy machine); the issue's targets, and what went wrong.
 * Prints; judges nothing.
 */
import { readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BurstResult, Rig } from './bench.js';
import { CALLBACK_DEADLINE_MS, KEYED } from './bench.js';
import { type HttpBotKind, type HttpFigures, type Pace, BURST } from './http-bench.js';
import {
  type How,
  cell,
  count,
  grouped,
  median,
  mib,
  ms,
  ms2,
  netRows,
  netSum,
  percentile,
  printTable,
  ratioOf,
  times,
} from './report.js';

export type HttpResults = Partial<Record<HttpBotKind, HttpFigures[]>>;

export const perS = (v: number) => (Number.isNaN(v) ? 'n/a' : `${v.toFixed(0)}/s`);
export const cores = (v: number) => (Number.isNaN(v) ? 'n/a' : `${v.toFixed(2)}`);

/** Correct answers. */
const answered = (b: BurstResult) => b.replyMs.filter(Number.isFinite).length;
/** Interactions answered per second of wall time: correct answers / (first send -> last correct answer). */
export const ratePerS = (b: BurstResult | undefined) => (b ? (answered(b) * 1000) / b.wallMs : Number.NaN);
/** The rate the benchmark actually offered: sends / (first send -> last send). */
const offeredPerS = (b: BurstResult | undefined) =>
  b && b.sendMs > 0 ? ((b.samples.length - 1) * 1000) / b.sendMs : Number.NaN;
export const cpuPer = (b: BurstResult | undefined, main = false) =>
  b ? (main ? b.mainCpuMs : b.cpuMs) / b.ackMs.length : Number.NaN;
/** Interactions answered per CPU-second of the bot (all threads): what one core spent wholly on it would answer per second. */
const perCpuSecond = (b: BurstResult | undefined) => (b ? (answered(b) * 1000) / b.cpuMs : Number.NaN);
/** Average cores the bot kept busy: its CPU time / wall time. */
const load = (b: BurstResult | undefined) => (b ? b.cpuMs / b.wallMs : Number.NaN);
export const p = (b: BurstResult | undefined, q: number, ack = false) =>
  b ? percentile(ack ? b.ackMs : b.replyMs, q) : Number.NaN;

export interface Row<F> {
  label: string;
  get: (f: F) => number;
  format: (v: number) => string;
  how: How;
}

/** The median over rounds of a/b, each round's figures compared with each other. */
export function paired<F>(
  a: Array<F | undefined> | undefined,
  b: Array<F | undefined> | undefined,
  get: (f: F) => number,
): { median: number; all: number[] } {
  if (!a || !b) return { median: Number.NaN, all: [] };
  const all = a.map((f, i) => {
    const g = b[i];
    return f !== undefined && g !== undefined ? ratioOf(get(f), get(g)) : Number.NaN;
  });
  return { median: median(all), all };
}

export function withRange(r: { median: number; all: number[] }): string {
  const finite = r.all.filter((v) => !Number.isNaN(v));
  const range = finite.length > 1 ? ` [${times(Math.min(...finite))}-${times(Math.max(...finite))}]` : '';
  return Number.isNaN(r.median) ? 'n/a' : `${times(r.median)}${range}`;
}

export function printHeaderLines(): void {
  const cpu = cpus();
  console.log(
    `machine: ${cpu.length} cpu(s) ${cpu[0]?.model.trim() ?? ''}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version} ${process.platform}/${process.arch}`,
  );
}

export function printHttpHeader(rounds: number, bots: readonly HttpBotKind[], pace: Pace): void {
  console.log("sd-cache-bot HTTP benchmark: interactions as signed POSTs (Discord's HTTP interactions) to");
  console.log('  ours-http = node dist/src/bin/start.js with INTERACTIONS_MODE=http (the npm start flags);');
  console.log(
    "  example = test/bench/example-http-bot.mjs: Discord's example app's way (express + discord-interactions' verifyKeyMiddleware,",
  );
  console.log(
    '            type 4 in the HTTP response after the API call with fetch, keys in Keyv + @keyv/sqlite), plain node;',
  );
  console.log('  ours-gateway = our bot in gateway mode, the same burst through the gateway (bench.ts)');
  printHeaderLines();
  console.log(
    `burst: ${BURST.title}; then paced: ${pace.ratePerS}/s for ${pace.seconds} s (${Math.round(pace.ratePerS * pace.seconds)} /clearcache, the ${KEYED} keyed servers in turn)`,
  );
  console.log(
    `bots: ${bots.join(', ')}; ${rounds} round(s); every bot fresh (process, stand-ins, database) every round; order rotating`,
  );
}

function httpRows(rounds: number, pace: Pace, rig: Rig): Array<Row<HttpFigures>> {
  const n = Math.round(pace.ratePerS * pace.seconds);
  const r = (
    label: string,
    get: (f: HttpFigures) => number,
    format: (v: number) => string,
    how: How = 'median',
  ): Row<HttpFigures> => ({ label, get, format, how });
  return [
    r('spawn -> ready', (f) => f.readyMs, ms),
    r('CPU time, spawn -> ready', (f) => f.readyCpuMs, ms),
    r('RSS 1 s after ready', (f) => f.rssReadyKiB, mib),
    r(`burst (${KEYED} at once): ack p50`, (f) => p(f.burst, 50, true), ms),
    r('burst: ack p99', (f) => p(f.burst, 99, true), ms),
    r('burst: final reply p50', (f) => p(f.burst, 50), ms),
    r('burst: final reply p99', (f) => p(f.burst, 99), ms),
    r('burst: wall time, first send -> last reply', (f) => f.burst.wallMs, ms),
    r('burst: answered per second of wall time (higher better)', (f) => ratePerS(f.burst), perS),
    r('burst: CPU per interaction, all threads', (f) => cpuPer(f.burst), ms2),
    r('burst: CPU per interaction, main thread', (f) => cpuPer(f.burst, true), ms2),
    r('burst: answered per CPU-second (higher better)', (f) => perCpuSecond(f.burst), perS),
    r("burst: the stand-in's send loop, first -> last send", (f) => f.burst.sendMs, ms),
    r("burst: the bench process's CPU (stand-ins) in that window", (f) => f.burst.benchCpuMs, ms),
    r(
      `burst: cores busy, (bot + bench) CPU / wall time, of ${cpus().length}`,
      (f) => (f.burst.cpuMs + f.burst.benchCpuMs) / f.burst.wallMs,
      cores,
    ),
    r('RSS 1 s after the burst', (f) => f.rssAfterBurstKiB, mib),
    r(`paced ${pace.ratePerS}/s: rate offered (sends / sending time)`, (f) => offeredPerS(f.sustained), perS),
    r('paced: rate kept, answers / (first send -> last answer) (higher better)', (f) => ratePerS(f.sustained), perS),
    r('paced: final reply p50', (f) => p(f.sustained, 50), ms),
    r('paced: final reply p99', (f) => p(f.sustained, 99), ms),
    r('paced: CPU per interaction, all threads', (f) => cpuPer(f.sustained), ms2),
    r('paced: CPU per interaction, main thread', (f) => cpuPer(f.sustained, true), ms2),
    r('paced: answered per CPU-second (higher better)', (f) => perCpuSecond(f.sustained), perS),
    r('paced: cores kept busy (CPU time / wall time)', (f) => load(f.sustained), cores),
    r(
      "paced: the bench process's CPU (stand-ins) per interaction",
      (f) => (f.sustained ? f.sustained.benchCpuMs / f.sustained.ackMs.length : Number.NaN),
      ms2,
    ),
    r('RSS 1 s after the paced run', (f) => f.rssAfterSustainedKiB, mib),
    r('peak RSS (VmHWM)', (f) => f.hwmKiB, mib),
    r(
      `late: not acknowledged within ${CALLBACK_DEADLINE_MS / 1000} s (burst, of ${KEYED * rounds})`,
      (f) => f.burst.late.length,
      count,
      'sum',
    ),
    r(`failed: no public "Cache cleared" (burst, of ${KEYED * rounds})`, (f) => f.burst.failures.length, count, 'sum'),
    r(`late (paced, of ${n * rounds})`, (f) => f.sustained?.late.length ?? Number.NaN, count, 'sum'),
    r(`failed (paced, of ${n * rounds})`, (f) => f.sustained?.failures.length ?? Number.NaN, count, 'sum'),
    ...(rig.kind === 'tls'
      ? [
          ...netRows<HttpFigures>((f) => f.net),
          ...netRows<HttpFigures>(
            (f) => (f.net?.sustained ? { ready: f.net.ready, burst: f.net.sustained } : undefined),
            'paced run',
          ).slice(0, 6),
        ]
      : []),
  ];
}

type HttpTarget = { label: string; other: HttpBotKind; get: (f: HttpFigures) => number; max: number };

/** Issue 9's targets, on the plain rig. */
const HTTP_TARGETS: HttpTarget[] = [
  { label: 'burst final reply p99, ours-http/example', other: 'example', get: (f) => p(f.burst, 99), max: 0.8 },
  {
    label: 'burst final reply p99, ours-http/ours-gateway',
    other: 'ours-gateway',
    get: (f) => p(f.burst, 99),
    max: 0.5,
  },
  {
    label: 'burst CPU per interaction (all threads), ours-http/example',
    other: 'example',
    get: (f) => cpuPer(f.burst),
    max: 0.8,
  },
  {
    label: 'paced CPU per interaction (all threads), ours-http/example',
    other: 'example',
    get: (f) => cpuPer(f.sustained),
    max: 0.8,
  },
];

/** Issue 18's, on the TLS rig. */
const TLS_HTTP_TARGETS: HttpTarget[] = [
  {
    label: 'burst CPU per interaction (all threads), ours-http/example',
    other: 'example',
    get: (f) => cpuPer(f.burst),
    max: 0.6,
  },
  { label: 'burst final reply p99, ours-http/example', other: 'example', get: (f) => p(f.burst, 99), max: 0.8 },
  {
    label: 'paced CPU per interaction (all threads), ours-http/example',
    other: 'example',
    get: (f) => cpuPer(f.sustained),
    max: 0.6,
  },
  { label: 'paced final reply p99, ours-http/example', other: 'example', get: (f) => p(f.sustained, 99), max: 0.8 },
  {
    label: 'burst TLS handshakes, ours-http/example',
    other: 'example',
    get: (f) => netSum(f.net?.burst, (c) => c.tls),
    max: 0.1,
  },
];

export function reportHttp(
  results: HttpResults,
  bots: readonly HttpBotKind[],
  rounds: number,
  pace: Pace,
  totalMs: number,
  nodeArgs: string[] = [],
  rig: Rig = { kind: 'plain' },
): void {
  const head = rounds > 1 ? ` (median [min-max] of ${rounds})` : '';
  const ratios = (['example', 'ours-gateway'] as const).filter((o) => bots.includes(o) && bots.includes('ours-http'));
  console.log(`\n== http: ${BURST.title}, then ${pace.ratePerS}/s for ${pace.seconds} s`);
  const table: string[][] = [
    [
      'figure (lower is better unless marked)',
      ...bots.map((b) => `${b}${head}`),
      ...ratios.map((o) => `ours-http/${o}`),
    ],
  ];
  for (const row of httpRows(rounds, pace, rig)) {
    const cells = bots.map((b) => {
      const values = (results[b] ?? []).map(row.get);
      return values.every(Number.isNaN)
        ? '-'
        : cell(
            values.filter((v) => !Number.isNaN(v)),
            row.format,
            row.how,
          ).text;
    });
    const rs = ratios.map((o) =>
      row.how === 'sum' ? '-' : times(paired(results['ours-http'], results[o], row.get).median),
    );
    table.push([row.label, ...cells, ...rs]);
  }
  printTable(table);
  console.log('');
  console.log(
    `acknowledged in the burst (all rounds): ${bots.map((b) => `${b} ${sumOf(results[b], (f) => f.burst.answeredInOne)} with the answer itself (type 4), ${sumOf(results[b], (f) => f.burst.deferred)} deferred (type 5)`).join('; ')}`,
  );
  console.log(
    `answered in the paced run (all rounds): ${bots
      .filter((b) => b !== 'ours-gateway')
      .map(
        (b) =>
          `${b} ${sumOf(results[b], (f) => f.sustained?.answeredInOne ?? 0)} type 4, ${sumOf(results[b], (f) => f.sustained?.deferred ?? 0)} deferred`,
      )
      .join('; ')}`,
  );
  console.log(
    `slowest accepted acknowledgement in the paced run, by round: ${bots
      .filter((b) => b !== 'ours-gateway')
      .map(
        (b) =>
          `${b} ${(results[b] ?? []).map((f) => ms(Math.max(...(f.sustained?.ackMs.filter(Number.isFinite) ?? [Number.NaN])))).join('/')}`,
      )
      .join('; ')}`,
  );
  printProblems(bots.map((b) => [b, results[b] ?? []] as const));

  if (bots.includes('ours-http')) {
    console.log(
      `\n== the issue's targets (median of the ${rounds} per-round ratio(s) [min-max]); printed, not asserted`,
    );
    const targets: string[][] = [['target', 'ratio']];
    const verdict = (m: number, max: number) => (Number.isNaN(m) ? '' : m <= max ? ' met' : ' NOT MET');
    for (const t of rig.kind === 'tls' ? TLS_HTTP_TARGETS : HTTP_TARGETS) {
      if (!bots.includes(t.other)) continue;
      const r = paired(results['ours-http'], results[t.other], t.get);
      targets.push([`${t.label} <= ${t.max}x`, `${withRange(r)}${verdict(r.median, t.max)}`]);
    }
    const ours = results['ours-http'] ?? [];
    const late = sumOf(ours, (f) => f.burst.late.length + (f.sustained?.late.length ?? 0));
    const failed = sumOf(ours, (f) => f.burst.failures.length + (f.sustained?.failures.length ?? 0));
    targets.push([
      'ours-http: 0 late and 0 failed (burst and paced, all rounds)',
      `${late} late, ${failed} failed${late === 0 && failed === 0 ? ' met' : ' NOT MET'}`,
    ]);
    printTable(targets);
  }
  console.log('');
  console.log(
    'answered per second of wall time: correct answers / (first send -> last correct answer); for the burst all were sent at once',
  );
  console.log(
    "answered per CPU-second: correct answers / the bot's user+system CPU seconds (all threads) over the same window,",
  );
  console.log(
    '  i.e. how many one core spent wholly on the bot would answer per second (1000 / CPU ms per interaction)',
  );
  console.log(
    "CPU per interaction: the bot's user+system CPU from the first send to the last answer, divided by the interactions sent",
  );
  console.log(
    `paced: each send at its scheduled time (first + i/${pace.ratePerS} s; a late timer tick sends every one due); the rate kept is below the`,
  );
  console.log(
    '  offered one by one reply latency over the whole run even for a bot that keeps up; a bot that falls behind shows it in p99 and the kept rate',
  );
  console.log(
    'latencies: from each send to when the stand-in had the answer (for HTTP bots the response to the POST; for ours-gateway the callback POST)',
  );
  if (rig.kind === 'tls')
    console.log(
      "TLS rig: the stand-in's deliveries to an HTTP bot stay plain HTTP on loopback (in production a TLS proxy in front of the bot ends them); its calls out (API, Discord REST) go through the HTTPS fronts",
    );
  console.log(
    'the stand-in shares this process and the 2 cores: over HTTP it signs each delivery and opens a connection for it, one after another, so',
  );
  console.log(
    "  its send loop and its CPU weigh more in the HTTP bots' burst latencies than in the gateway's (one socket, one frame per interaction)",
  );
  if (nodeArgs.length > 0) printHttpProfiles(results, bots, nodeArgs);
  console.log(`\nbench took ${(totalMs / 1000).toFixed(1)} s`);
}

export interface Troubled {
  setupFailures: string[];
  burst: BurstResult;
  sustained?: BurstResult | undefined;
  exit?: { code: number | string } | undefined;
  complaints: string[];
}

export function printProblems(groups: ReadonlyArray<readonly [string, readonly Troubled[]]>): void {
  for (const [name, runs] of groups) {
    const exits = runs
      .map((f, round) => (f.exit ? `round ${round + 1}: exit ${f.exit.code}` : undefined))
      .filter(Boolean);
    if (exits.length > 0)
      console.log(`${name} EXITED during the run (its CPU figures stop at its last sample): ${exits.join('; ')}`);
    const problems = runs.flatMap((f) => [
      ...f.setupFailures.map((t) => `setup: ${t}`),
      ...f.burst.late.map((t) => `burst late: ${t}`),
      ...f.burst.failures.map((t) => `burst failed: ${t}`),
      ...(f.sustained?.late ?? []).map((t) => `paced late: ${t}`),
      ...(f.sustained?.failures ?? []).map((t) => `paced failed: ${t}`),
    ]);
    const complaints = runs.flatMap((f) => f.complaints.filter((line) => /^[^\s{}\]]/.test(line)));
    if (problems.length === 0 && complaints.length === 0) continue;
    console.log(
      `${name}: ${problems.length} problem(s) over ${runs.length} round(s), by kind (server ids and numbers folded):`,
    );
    for (const [text, n] of grouped(problems).slice(0, 6)) console.log(`  ${String(n).padStart(4)} x ${text}`);
    if (complaints.length > 0) {
      console.log(
        `  and ${complaints.length} line(s) on stderr (first lines of each message) or at warn/error level, by kind:`,
      );
      for (const [text, n] of grouped(complaints).slice(0, 4)) console.log(`  ${String(n).padStart(4)} x ${text}`);
    }
  }
}

/** With --cpu-prof: each bot's profiles and the windows of its bursts and paced runs, for profile-summary.ts. */
function printHttpProfiles(results: HttpResults, bots: readonly HttpBotKind[], nodeArgs: string[]): void {
  console.log(`\nnode flags for every bot: ${nodeArgs.join(' ')}`);
  const dir = nodeArgs.find((a) => a.startsWith('--cpu-prof-dir='))?.slice('--cpu-prof-dir='.length);
  let files: string[] = [];
  try {
    if (dir) files = readdirSync(dir);
  } catch {
    files = [];
  }
  const profile = (f: HttpFigures) => {
    const file = files.find((name) => name.endsWith('.cpuprofile') && name.split('.').includes(String(f.pid)));
    return file && dir ? join(dir, file) : `<profile of pid ${f.pid}>`;
  };
  for (const b of bots) {
    for (const [what, get] of [
      ['bursts', (f: HttpFigures) => f.burst],
      ['paced runs', (f: HttpFigures) => f.sustained],
    ] as const) {
      const runs = (results[b] ?? []).flatMap((f) => {
        const r = get(f);
        return r ? [`${profile(f)} --window ${r.windowUs[0]}-${r.windowUs[1]}`] : [];
      });
      if (runs.length > 0)
        console.log(`  ${b}, the ${what}: node --import tsx test/bench/profile-summary.ts ${runs.join(' ')}`);
    }
  }
}

function sumOf(figures: readonly HttpFigures[] | undefined, get: (f: HttpFigures) => number): number {
  return (figures ?? []).reduce((a, f) => a + get(f), 0);
}
