/**
 * `npm run bench -- --scrub`: what the log scrubber (SecretSet.scrubLine, run on every log line)
 * costs as the keys it holds grow from one to its capacity, all sharing a prefix. The index by
 * first word should keep the cost flat; a scan over the keys would grow with them. A speed figure,
 * so it lives here and not in the tests (where a loaded machine made it a coin toss).
 *
 *   const figures = scrubMain(rounds);   // prints a table; returns the figures
 */
import { performance } from 'node:perf_hooks';
import { SecretSet } from '../../src/logger.js';

export const SCRUB_KEY_COUNTS = [1, 100, 1_000, 10_000] as const;

export interface ScrubFigure {
  keys: number;
  /** Median over the rounds of the median microseconds per line within a round. */
  usPerLine: number;
  /** usPerLine over the figure for one key. */
  ratio: number;
}

const key = (i: number) => `sk-bench${String(i).padStart(6, '0')}abcdef0123456789`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** A log line of 200 key-shaped words, none of them held: every word is looked up and missed. */
const LINE = JSON.stringify({ msg: Array.from({ length: 200 }, (_, i) => key(100_000 + i)).join(' ') });

function setOf(count: number): SecretSet {
  const secrets = new SecretSet(Math.max(count, 1));
  for (let i = 0; i < count; i++) secrets.add(key(i));
  return secrets;
}

/** Microseconds per scrubLine of LINE: the median of 15 runs of 20 lines. */
function costOf(secrets: SecretSet): number {
  const runs: number[] = [];
  for (let r = 0; r < 15; r++) {
    const started = performance.now();
    for (let n = 0; n < 20; n++) secrets.scrubLine(LINE);
    runs.push(((performance.now() - started) * 1000) / 20);
  }
  return median(runs);
}

export function scrubMain(rounds: number): ScrubFigure[] {
  console.log(
    `log scrubber: one 200-word line, keys sharing the prefix "sk-bench", ${rounds} round(s); lower is better, flat is the goal`,
  );
  const sets = SCRUB_KEY_COUNTS.map((count) => ({ count, secrets: setOf(count) }));
  const perRound = new Map<number, number[]>(SCRUB_KEY_COUNTS.map((count) => [count, []]));
  for (let round = 0; round < rounds; round++) {
    // Interleaved, and the order reversed every other round, so no count always meets a warmer machine.
    const order = round % 2 === 0 ? sets : [...sets].reverse();
    for (const { count, secrets } of order) perRound.get(count)!.push(costOf(secrets));
  }
  const base = median(perRound.get(1)!);
  const figures = SCRUB_KEY_COUNTS.map((keys) => {
    const usPerLine = median(perRound.get(keys)!);
    return { keys, usPerLine, ratio: usPerLine / base };
  });
  console.log('keys      us/line   x one key');
  for (const f of figures)
    console.log(
      `${String(f.keys).padStart(6)}  ${f.usPerLine.toFixed(1).padStart(8)}  ${f.ratio.toFixed(2).padStart(9)}`,
    );
  return figures;
}
