/**
 * Where a process's CPU went, from a V8 CPU profile (`node --cpu-prof`): self time by function, by
 * module (npm package, node internals, or our own file), and the inclusive time of our own
 * functions, with idle, GC and the unattributed "(program)" apart.
 *
 *   node --import tsx test/bench/profile-summary.ts <a.cpuprofile> [--window <fromUs>-<toUs>] [<b.cpuprofile> [--window ...]] [--top 20]
 *
 * --window keeps the samples of the file before it taken within [fromUs, toUs] on CLOCK_MONOTONIC,
 * the clock of the profile's timestamps (and of process.hrtime): the benchmark prints each burst's
 * window, so the summary can cover the burst alone rather than start-up and key setup too.
 * Several files (the rounds of one benchmark run) are summed into one summary.
 * The profile is of the main (JavaScript) thread only: work on libuv's pool (sqlite, file writes)
 * shows up there only as the callbacks that resume it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The project folder: frames from files under it (outside node_modules) are ours. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** Which package or part of the process a frame belongs to. */
export function moduleOf(frame: CallFrame): string {
  if (SPECIAL.has(frame.functionName) && frame.url === '') return frame.functionName;
  const url = frame.url;
  if (url === '') return '(native: V8 builtins and C++)';
  // undici's HTTP parser (llhttp) is WebAssembly, in node's fetch and in the undici package alike.
  if (url.startsWith('wasm://')) return '(wasm: llhttp, the HTTP parser of undici and fetch)';
  if (url.startsWith('node:')) {
    const parts = url.slice('node:'.length).split('/');
    if (parts[0] !== 'internal') return `node:${parts[0] ?? ''}`;
    // node:internal/deps/undici/undici is the undici that runs fetch().
    return parts[1] === 'deps'
      ? `node:internal/deps/${parts[2] ?? ''}${parts[2] === 'undici' ? ' (fetch)' : ''}`
      : `node:internal/${parts[1] ?? ''}`;
  }
  const path = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? path);
  }
  if (path.startsWith(ROOT)) return `ours: ${path.slice(ROOT.length).replace(/^dist\//, '')}`;
  return `other: ${path}`;
}

function functionOf(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  if (frame.url === '') return name;
  const module = moduleOf(frame);
  const file = frame.url.split('/').pop() ?? frame.url;
  return `${name}  ${module.startsWith('ours: ') ? module.slice(6) : `${module} ${file}`}:${frame.lineNumber + 1}`;
}

export interface Summary {
  totalUs: number;
  samples: number;
  bySpecial: Map<string, number>;
  selfByFunction: Map<string, number>;
  selfByModule: Map<string, number>;
  /** Inclusive time of each of our own functions (counted once per sample however deep it recurs). */
  inclusiveOurs: Map<string, number>;
}

export function emptySummary(): Summary {
  return {
    totalUs: 0,
    samples: 0,
    bySpecial: new Map(),
    selfByFunction: new Map(),
    selfByModule: new Map(),
    inclusiveOurs: new Map(),
  };
}

/** Adds one profile's samples (those within `window`, if given) to `summary`. */
export function summarize(profile: CpuProfile, window?: [number, number], summary: Summary = emptySummary()): Summary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  // Sample i was taken at startTime + the deltas up to i, and stands for the time until the next.
  let at = profile.startTime;
  const stamps = profile.timeDeltas.map((d) => (at += d));
  for (let i = 0; i < profile.samples.length; i++) {
    const stamp = stamps[i] as number;
    if (window && (stamp < window[0] || stamp > window[1])) continue;
    const us = Math.max(0, (stamps[i + 1] ?? profile.endTime) - stamp);
    const node = byId.get(profile.samples[i] as number);
    if (!node) continue;
    summary.totalUs += us;
    summary.samples += 1;
    const frame = node.callFrame;
    if (SPECIAL.has(frame.functionName) && frame.url === '') add(summary.bySpecial, frame.functionName, us);
    else add(summary.bySpecial, '(running JavaScript and what it calls)', us);
    add(summary.selfByFunction, functionOf(frame), us);
    add(summary.selfByModule, moduleOf(frame), us);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const f = (byId.get(id) as ProfileNode).callFrame;
      if (!moduleOf(f).startsWith('ours: ')) continue;
      const key = functionOf(f);
      if (seen.has(key)) continue;
      seen.add(key);
      add(summary.inclusiveOurs, key, us);
    }
  }
  return summary;
}

export function printSummary(summary: Summary, top: number, title: string): void {
  const { totalUs } = summary;
  const busyUs = totalUs - (summary.bySpecial.get('(idle)') ?? 0);
  const msOf = (us: number) => `${(us / 1000).toFixed(1)} ms`.padStart(10);
  const share = (us: number, of: number) => `${((100 * us) / (of || 1)).toFixed(1)}%`.padStart(6);
  const list = (heading: string, map: Map<string, number>, n: number) => {
    console.log(`\n${heading}`);
    for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n))
      console.log(`${msOf(us)} ${share(us, busyUs)}  ${key}`);
  };
  console.log(title);
  console.log(
    `${summary.samples} samples of the main thread over ${(totalUs / 1000).toFixed(1)} ms; not idle in ${(busyUs / 1000).toFixed(1)} ms of them. ` +
      'Samples measure wall time (a descheduled thread still counts): read the shares (of the not-idle time), and take CPU from /proc',
  );
  // (program): native work V8 cannot pin on a JavaScript function (event loop, I/O, native addons
  // outside a JS call); (garbage collector): V8's GC on this thread.
  list('where the time went', summary.bySpecial, 10);
  const notSpecial = (map: Map<string, number>) => new Map([...map].filter(([k]) => !SPECIAL.has(k)));
  list('self time by module', notSpecial(summary.selfByModule), top);
  list('self time by function', notSpecial(summary.selfByFunction), top);
  list('inclusive time of our own functions (what they and everything they call cost)', summary.inclusiveOurs, top);
}

const USAGE =
  'usage: node --import tsx test/bench/profile-summary.ts <a.cpuprofile> [--window <fromUs>-<toUs>] [<b.cpuprofile> [--window ...]] [--top 20]';

function main(argv: string[]): void {
  const args = [...argv];
  const inputs: Array<{ file: string; window?: [number, number] }> = [];
  let top = 20;
  while (args.length > 0) {
    const arg = args.shift() as string;
    if (arg === '--window') {
      const match = /^(\d+)-(\d+)$/.exec(args.shift() ?? '');
      const last = inputs[inputs.length - 1];
      if (!match || !last) throw new Error(`--window takes <fromUs>-<toUs> and follows a file\n${USAGE}`);
      last.window = [Number(match[1]), Number(match[2])];
    } else if (arg === '--top') {
      top = Number(args.shift());
      if (!Number.isInteger(top) || top < 1) throw new Error('--top takes a whole number');
    } else inputs.push({ file: arg });
  }
  if (inputs.length === 0) {
    console.error(USAGE);
    process.exit(2);
  }
  const summary = emptySummary();
  const spans: string[] = [];
  for (const { file, window } of inputs) {
    summarize(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, window, summary);
    spans.push(`${file}: ${window ? `window of ${((window[1] - window[0]) / 1000).toFixed(0)} ms` : 'whole profile'}`);
  }
  printSummary(
    summary,
    top,
    `CPU profile${inputs.length > 1 ? `s (${inputs.length}, summed)` : ''}: ${spans.join('; ')}`,
  );
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) main(process.argv.slice(2));
