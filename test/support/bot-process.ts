/**
 * A bot (or any node script) in a child process, as users run it: configured by env alone.
 *
 *   const bot = startBotProcess({ DISCORD_TOKEN, DISCORD_API_URL, ... }, cwd);
 *   await bot.waitForLog((l) => l.msg === 'ready');   // JSON log lines, parsed
 *   await bot.waitForLine((text) => text.startsWith('Ready!'), 5000, 'ready');   // any line
 *   bot.output()               // everything it printed, stdout and stderr
 *   await bot.stop('SIGTERM')  // resolves with the exit code (or the signal's name)
 *
 * Lines carry their arrival time (performance.now() of this process). Every child is killed when
 * this process exits, also when a test fails.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { BOT_ENTRY, baseEnv } from './bot-env.js';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface OutputLine {
  at: number;
  text: string;
  stream: 'stdout' | 'stderr';
}

export interface BotProcess {
  child: ChildProcess;
  pid: number;
  startedAt: number;
  lines: OutputLine[];
  output(): string;
  logs(): LogLine[];
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number, what?: string): Promise<LogLine>;
  waitForLine(match: (text: string) => boolean, timeoutMs?: number, what?: string): Promise<OutputLine>;
  /** Resolves with the exit code (or the signal name) once the process has ended. */
  exited: Promise<number | string>;
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
}

const alive = new Set<ChildProcess>();

/** Kills every child still running (for an abrupt exit of the parent). */
export function killAllBotProcesses(): void {
  for (const child of alive) child.kill('SIGKILL');
}
process.once('exit', killAllBotProcesses);

function parseLog(text: string): LogLine | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    return JSON.parse(text) as LogLine;
  } catch {
    return undefined;
  }
}

/**
 * How a start that should stop ends: its exit code, or 'ready' when it got that far instead (it is
 * killed then, so the test fails on the code rather than hanging on a bot that runs).
 */
export async function startEnds(bot: BotProcess): Promise<number | string> {
  const end = await Promise.race([
    bot.exited,
    bot
      .waitForLog((l) => l.msg === 'ready')
      .then(
        () => 'ready',
        () => bot.exited,
      ),
  ]);
  if (end === 'ready') await bot.stop('SIGKILL');
  return end;
}

export function startBotProcess(
  env: Record<string, string>,
  cwd: string,
  entry = BOT_ENTRY,
  args: string[] = [],
  nodeArgs: string[] = [],
  /**
   * Without root's power over file modes: in a user namespace of its own (`unshare -U`), the bot is
   * held to the owner's bits of root's files (a 0444 file is read-only), yet reads every path root can.
   */
  withoutRootPower = false,
): BotProcess {
  const startedAt = performance.now();
  const command = [process.execPath, ...nodeArgs, entry, ...args];
  if (withoutRootPower) command.unshift('unshare', '--user');
  const child = spawn(command[0]!, command.slice(1), {
    env: { ...baseEnv(), ...env },
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start node ${entry}`);
  alive.add(child);
  const lines: OutputLine[] = [];
  const logs: LogLine[] = [];
  const watchers = new Set<() => void>();
  let ended = false;
  // 'close', not 'exit': it comes after stdout and stderr have ended, so output() and logs() hold every line.
  const exited = new Promise<number | string>((resolve) =>
    child.once('close', (code, signal) => {
      ended = true;
      alive.delete(child);
      resolve(code ?? signal ?? -1);
      for (const watcher of [...watchers]) watcher();
    }),
  );
  const reader = (stream: OutputLine['stream']) => {
    let partial = '';
    return (chunk: Buffer) => {
      const at = performance.now();
      partial += chunk.toString();
      const complete = partial.split('\n');
      partial = complete.pop() ?? '';
      for (const text of complete) {
        lines.push({ at, text, stream });
        const log = parseLog(text);
        if (log) logs.push(log);
      }
      for (const watcher of [...watchers]) watcher();
    };
  };
  child.stdout?.on('data', reader('stdout'));
  child.stderr?.on('data', reader('stderr'));
  const output = () => lines.map((l) => `${l.text}\n`).join('');

  function waitFor<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = find();
        if (found !== undefined) return finish(() => resolve(found));
        if (ended)
          finish(() => reject(new Error(`the process exited before ${what}; output:\n${output().slice(-4000)}`)));
      };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; output:\n${output().slice(-4000)}`)),
          ),
        timeoutMs,
      );
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        watchers.delete(check);
        settle();
      };
      watchers.add(check);
      check();
    });
  }

  return {
    child,
    pid: child.pid,
    startedAt,
    lines,
    output,
    logs: () => logs,
    exited,
    waitForLog: (match, timeoutMs = 15_000, what = 'a log line') => waitFor(() => logs.find(match), timeoutMs, what),
    waitForLine: (match, timeoutMs = 15_000, what = 'a line') =>
      waitFor(() => lines.find((l) => match(l.text)), timeoutMs, what),
    async stop(signal = 'SIGTERM', timeoutMs = 12_000) {
      if (!ended) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
