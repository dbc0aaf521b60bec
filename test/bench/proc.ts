/**
 * Child processes for the benchmark: spawn a bot, watch its output line by line (times taken on
 * arrival, performance.now() of this process), read its memory and CPU from /proc, and make sure
 * no child outlives the benchmark (killed on exit, on SIGINT/SIGTERM, and by `stop`).
 *
 *   const bot = spawnBot(['dist/src/main.js'], env, cwd);
 *   const ready = await bot.waitForLine((l) => l.includes('"msg":"ready"'), 60_000, 'ready');
 *   ready.at - bot.spawnedAt                // ms from spawn to the line
 *   procStats(bot.pid)                      // { rssKiB, hwmKiB, cpuMs, mainCpuMs }
 *   await bot.stop();                       // SIGTERM, then SIGKILL after graceMs
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface Line {
  at: number;
  text: string;
  stream: 'stdout' | 'stderr';
}

export interface BotChild {
  child: ChildProcess;
  pid: number;
  spawnedAt: number;
  lines: Line[];
  waitForLine(match: (text: string) => boolean, timeoutMs: number, what: string): Promise<Line>;
  output(): string;
  exited: Promise<number | string>;
  stop(graceMs?: number): Promise<number | string>;
}

const alive = new Set<ChildProcess>();

function killAll(): void {
  for (const child of alive) child.kill('SIGKILL');
}
process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

/** Keeps only what node needs from the parent environment; the bots get the rest from `env`. */
export function baseEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG'];
  return Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k] as string]));
}

export function spawnBot(args: string[], env: Record<string, string>, cwd: string): BotChild {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, args, { env: { ...baseEnv(), ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not spawn node ${args.join(' ')}`);
  alive.add(child);
  const lines: Line[] = [];
  const watchers = new Set<() => void>();
  let ended = false;
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      ended = true;
      alive.delete(child);
      resolve(code ?? signal ?? -1);
      for (const watcher of [...watchers]) watcher();
    }),
  );
  const reader = (stream: 'stdout' | 'stderr') => {
    let partial = '';
    return (chunk: Buffer) => {
      const at = performance.now();
      partial += chunk.toString();
      const complete = partial.split('\n');
      partial = complete.pop() ?? '';
      for (const text of complete) lines.push({ at, text, stream });
      for (const watcher of [...watchers]) watcher();
    };
  };
  child.on('error', (error) => lines.push({ at: performance.now(), text: `spawn error: ${error.message}`, stream: 'stderr' }));
  child.stdout?.on('data', reader('stdout'));
  child.stderr?.on('data', reader('stderr'));
  const output = () => lines.map((l) => l.text).join('\n');

  return {
    child,
    pid: child.pid,
    spawnedAt,
    lines,
    output,
    exited,
    waitForLine(match, timeoutMs, what) {
      return new Promise((resolve, reject) => {
        let scanned = 0;
        const check = () => {
          for (; scanned < lines.length; scanned++) {
            const line = lines[scanned] as Line;
            if (match(line.text)) return finish(() => resolve(line));
          }
          if (ended) finish(() => reject(new Error(`bot exited before ${what}; output:\n${output().slice(-4000)}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`no ${what} within ${timeoutMs} ms; output:\n${output().slice(-4000)}`))), timeoutMs);
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          watchers.delete(check);
          settle();
        };
        watchers.add(check);
        check();
      });
    },
    async stop(graceMs = 5_000) {
      if (!ended) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

export interface ProcStats {
  /** Resident set size now (VmRSS), KiB. */
  rssKiB: number;
  /** Peak resident set size so far (VmHWM), KiB. */
  hwmKiB: number;
  /** User + system CPU time so far, all threads, ms. */
  cpuMs: number;
  /** The same for the main (JavaScript) thread alone, ms. */
  mainCpuMs: number;
}

/** utime + stime of a /proc stat line, ms. */
function statCpuMs(stat: string): number {
  // The command name is in parentheses and may hold spaces; utime and stime are fields 14 and 15
  // of the line, so 11 and 12 after "pid (comm) ".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond();
}

export function procStats(pid: number): ProcStats {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return {
    rssKiB: kib('VmRSS'),
    hwmKiB: kib('VmHWM'),
    cpuMs: statCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8')),
    // The main thread's task id is the process id.
    mainCpuMs: statCpuMs(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')),
  };
}
