/**
 * The printout of `npm run bench -- --scale`: per store, 1 process and 2 processes side by side
 * (median of the rounds with their range) and the ratio 2/1 (the median of the per-round ratios).
 * Prints; judges nothing.
 */
import { cpus } from 'node:os';
import { KEYED } from './bench.js';
import { BURST } from './http-bench.js';
import {
  type Row,
  cores,
  cpuPer,
  p,
  paired,
  perS,
  printHeaderLines,
  printProblems,
  ratePerS,
  withRange,
} from './http-report.js';
import { type How, cell, count, mib, ms, ms2, printTable } from './report.js';
import type { ScaleFigures, StoreKind } from './scale-bench.js';

/** By store, then by worker count: one figure per round (undefined: the server could not be reached). */
export type ScaleResults = Partial<Record<StoreKind, Record<number, Array<ScaleFigures | undefined>>>>;

export function printScaleHeader(rounds: number, stores: readonly StoreKind[]): void {
  console.log('sd-cache-bot scale benchmark: our bot in http mode as 1 process, and as 2 processes on one store');
  printHeaderLines();
  console.log(
    `burst: ${BURST.title}, sent round-robin to the processes' endpoints (as a load balancer would); keys set through process 1's /apikey set`,
  );
  console.log(
    `stores: ${stores.join(', ')} (a fresh database each run, dropped after); ${rounds} round(s); order rotating`,
  );
}

function scaleRows(rounds: number): Array<Row<ScaleFigures>> {
  const r = (
    label: string,
    get: (f: ScaleFigures) => number,
    format: (v: number) => string,
    how: How = 'median',
  ): Row<ScaleFigures> => ({ label, get, format, how });
  return [
    r('final reply p50', (f) => p(f.burst, 50), ms),
    r('final reply p99', (f) => p(f.burst, 99), ms),
    r('wall time, first send -> last reply', (f) => f.burst.wallMs, ms),
    r('answered per second of wall time (higher better)', (f) => ratePerS(f.burst), perS),
    r('CPU per interaction, all processes and threads', (f) => cpuPer(f.burst), ms2),
    r('CPU per interaction, main threads', (f) => cpuPer(f.burst, true), ms2),
    r("the stand-in's send loop, first -> last send", (f) => f.burst.sendMs, ms),
    r("the bench process's CPU (stand-ins) in that window", (f) => f.burst.benchCpuMs, ms),
    r(
      `cores busy: (processes + bench) CPU / wall time, of ${cpus().length}`,
      (f) => (f.burst.cpuMs + f.burst.benchCpuMs) / f.burst.wallMs,
      cores,
    ),
    r('RSS 1 s after ready, all processes', (f) => f.rssReadyKiB.reduce((a, b) => a + b, 0), mib),
    r('RSS 1 s after the burst, all processes', (f) => f.rssAfterKiB.reduce((a, b) => a + b, 0), mib),
    r(`late (of ${KEYED * rounds})`, (f) => f.burst.late.length, count, 'sum'),
    r(`failed (of ${KEYED * rounds})`, (f) => f.burst.failures.length, count, 'sum'),
  ];
}

export function reportScale(
  results: ScaleResults,
  stores: readonly StoreKind[],
  rounds: number,
  totalMs: number,
): void {
  const head = rounds > 1 ? ` (median [min-max] of ${rounds})` : '';
  const present = stores.filter((s) => Object.values(results[s] ?? {}).some((runs) => runs.some(Boolean)));
  for (const s of stores)
    if (!present.includes(s)) console.log(`\n${s}: not measured (the server could not be reached; see the line above)`);
  if (present.length === 0) return;
  console.log(`\n== scale: ${BURST.title}, split round-robin over the processes of our bot in http mode on one store`);
  const table: string[][] = [
    [
      'figure (lower is better unless marked)',
      ...present.flatMap((s) => [`${s}, 1 process${head}`, `${s}, 2 processes${head}`, `${s}: 2/1`]),
    ],
  ];
  for (const row of scaleRows(rounds)) {
    table.push([
      row.label,
      ...present.flatMap((s) => {
        const one = results[s]?.[1] ?? [];
        const two = results[s]?.[2] ?? [];
        const cellOf = (runs: Array<ScaleFigures | undefined>) => {
          const values = runs.filter((f): f is ScaleFigures => f !== undefined).map(row.get);
          return values.length === 0 ? '-' : cell(values, row.format, row.how).text;
        };
        return [cellOf(one), cellOf(two), row.how === 'sum' ? '-' : withRange(paired(two, one, row.get))];
      }),
    ]);
  }
  printTable(table);
  console.log('');
  for (const s of present) {
    const two = (results[s]?.[2] ?? []).filter((f): f is ScaleFigures => f !== undefined);
    console.log(
      `${s}, 2 processes: interactions each process logged in the burst, by round: ${two.map((f) => f.handled.join('+')).join('; ')}; key setup (${KEYED} /apikey set through process 1) ${two.map((f) => ms(f.setupMs)).join('/')}`,
    );
  }
  printProblems(
    present.flatMap((s) =>
      [1, 2].map(
        (n) =>
          [
            `${s} ${n} process${n > 1 ? 'es' : ''}`,
            (results[s]?.[n] ?? []).filter((f): f is ScaleFigures => f !== undefined),
          ] as const,
      ),
    ),
  );
  console.log(
    '\nanswered per second: correct answers / (first send -> last correct answer), all sent at once; the bench process (stand-ins) shares the 2 cores',
  );
  console.log(`\nbench took ${(totalMs / 1000).toFixed(1)} s`);
}
