/**
 * The project's Dockerfile, built and run here as an operator would run the image.
 *
 * No base image can be pulled on these machines and no container daemon runs: stand-in-base.sh
 * makes a node:<recommended>-bookworm-slim stand-in (Debian minbase and the pinned Node of
 * .ci/node-lines), buildah builds the Dockerfile on it (`--isolation chroot`), and
 * `buildah run --isolation chroot` runs the image's own command as its own user, in its working
 * directory with its environment, sharing the host's loopback with the Discord and API stand-ins.
 * buildah's chroot isolation keeps the host's PID namespace, so the bot is a host process: the
 * test signals it and reads its uid through /proc, as a container runtime's `stop` would reach it.
 *
 * Run by .ci/run (SDBOT_IMAGE_TEST=1 npx vitest run --config test/container/vitest.config.ts);
 * needs root, buildah, podman and debootstrap.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/bot-env.js';
import { type DiscordStandIn, makeSnowflake, startDiscordStandIn, stringOption } from '../support/discord-standin.js';
import { embedOf, people } from '../support/people.js';
import { TOKEN } from '../support/rig.js';
import { type SdApiStandIn, startSdApiStandIn } from '../support/sdapi-standin.js';
import { tempDir } from '../support/temp.js';

const exec = promisify(execFile);

if (process.env.SDBOT_IMAGE_TEST !== '1')
  throw new Error('the image test builds and runs a container image: run it as .ci/run does, with SDBOT_IMAGE_TEST=1');

const versions = readFileSync(`${ROOT}.ci/node-lines`, 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));
const NODE_VERSION = versions.at(-1)!;
const MAJOR = NODE_VERSION.split('.')[0]!;
const BASE = `localhost/node:${MAJOR}-bookworm-slim`;
const IMAGE = 'localhost/sd-cache-bot:image-test';
const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(`${ROOT}package-lock.json`, 'utf8')) as {
  packages: Record<string, { dev?: boolean }>;
};
/** README, "Running it as a service": exits 0 within 10 seconds of SIGTERM. */
const STOP_LIMIT_MS = 10_000;

interface ImageConfig {
  Cmd: string[];
  Entrypoint?: string[] | null;
  User: string;
  WorkingDir: string;
  Env: string[];
  Volumes?: Record<string, object>;
  Healthcheck?: { Test: string[] };
  Labels?: Record<string, string>;
}

let config: ImageConfig;
const containers = new Set<string>();
const children = new Set<ChildProcess>();

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;

/** A command run to completion with its output shown as it comes (the build's is long). */
function runShown(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(' ')} exited with ${code} (its output is above)`)),
    );
  });
}

async function imageSize(name: string): Promise<number> {
  const { stdout } = await exec('podman', ['image', 'inspect', '--format', '{{.Size}}', name]);
  return Number(stdout.trim());
}

async function newContainer(): Promise<string> {
  const { stdout } = await exec('buildah', ['from', '--pull=false', IMAGE]);
  const name = stdout.trim();
  containers.add(name);
  return name;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The host pids below `pid` (buildah, its chroot runtime, then the image's command). */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process ended while we looked
    }
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parentOf) {
      if (parent !== p) continue;
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

interface LogLine {
  msg: string;
  [field: string]: unknown;
}

/** The image's own command (Entrypoint + Cmd), user, working directory and environment, in a new container. */
async function startImage(env: Record<string, string>, dataDir: string) {
  const container = await newContainer();
  const envArgs = Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
  const command = [...(config.Entrypoint ?? []), ...config.Cmd];
  const child = spawn(
    'buildah',
    ['run', '--isolation', 'chroot', '--volume', `${dataDir}:/app/data`, ...envArgs, container, '--', ...command],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  const logs: LogLine[] = [];
  let output = '';
  const watchers = new Set<() => void>();
  // 'close', not 'exit': it comes after the output has ended, so every line has been read.
  const exited = new Promise<number | string>((resolve) =>
    child.once('close', (code, signal) => {
      children.delete(child);
      resolve(code ?? signal ?? -1);
      for (const w of [...watchers]) w();
    }),
  );
  let ended = false;
  void exited.then(() => (ended = true));
  let partial = '';
  const onData = (chunk: Buffer) => {
    partial += chunk.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      output += `${line}\n`;
      if (line.startsWith('{')) {
        try {
          logs.push(JSON.parse(line) as LogLine);
        } catch {
          // not a log line
        }
      }
    }
    for (const w of [...watchers]) w();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);

  const waitForLog = (match: (l: LogLine) => boolean, what: string, timeoutMs = 60_000) =>
    new Promise<LogLine>((resolve, reject) => {
      const check = () => {
        const found = logs.find(match);
        if (found) return finish(() => resolve(found));
        if (ended)
          finish(() =>
            reject(new Error(`the container's command exited before ${what}; output:\n${output.slice(-4000)}`)),
          );
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`timed out waiting for ${what}; output:\n${output.slice(-4000)}`))),
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

  /** The bot's own process on the host: the image's command, below buildah. */
  const botPid = () => {
    const pids = descendants(child.pid!).filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ').includes(command.join(' '));
      } catch {
        return false;
      }
    });
    // buildah-chroot-exec carries the command in its arguments too: the deepest match is node.
    const pid = pids.at(-1);
    if (pid === undefined)
      throw new Error(
        `no process runs "${command.join(' ')}" below buildah (pid ${child.pid}); output:\n${output.slice(-2000)}`,
      );
    return pid;
  };

  return { container, child, logs, exited, waitForLog, botPid, output: () => output };
}

/** The image's HEALTHCHECK command, run in the container as the image's user with the bot's environment. */
async function healthcheck(container: string, env: Record<string, string>): Promise<number> {
  const test = config.Healthcheck!.Test;
  expect(test[0]).toBe('CMD');
  const envArgs = Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
  try {
    await exec('buildah', ['run', '--isolation', 'chroot', ...envArgs, container, '--', ...test.slice(1)], {
      timeout: 30_000,
    });
    return 0;
  } catch (error) {
    return (error as { code?: number }).code ?? -1;
  }
}

const uidOf = (pid: number) =>
  readFileSync(`/proc/${pid}/status`, 'utf8')
    .match(/^Uid:\s+(.*)$/m)![1]!
    .split(/\s+/)
    .map(Number);

let discord: DiscordStandIn;
let sd: SdApiStandIn;
const guildId = makeSnowflake();
const KEY = `ImageTestKey${Date.now().toString(36)}Ab12`;
const data = tempDir('sdbot-image-data-');
let gatewayEnv: Record<string, string>;

beforeAll(async () => {
  let started = performance.now();
  await runShown('bash', ['test/container/stand-in-base.sh', NODE_VERSION]);
  console.log(`[time] stand-in base ${BASE} (node ${NODE_VERSION}): ${seconds(started)}`);
  started = performance.now();
  // --format docker: the OCI format has no HEALTHCHECK. --layers: a local rerun reuses unchanged steps.
  await runShown('buildah', [
    'bud',
    '--isolation',
    'chroot',
    '--format',
    'docker',
    '--layers',
    '--build-arg',
    `NODE_IMAGE=${BASE}`,
    '-t',
    IMAGE,
    '-f',
    'Dockerfile',
    '.',
  ]);
  console.log(`[time] image build: ${seconds(started)}`);
  const { stdout } = await exec('buildah', ['inspect', '--type', 'image', IMAGE], { maxBuffer: 64 << 20 });
  config = (JSON.parse(stdout) as { Docker: { config: ImageConfig } }).Docker.config;
  const [size, baseSize] = await Promise.all([imageSize(IMAGE), imageSize(BASE)]);
  console.log(
    `image ${IMAGE}: ${megabytes(size)} (the stand-in base ${megabytes(baseSize)} of it; the bot's own layers ${megabytes(size - baseSize)})`,
  );

  discord = await startDiscordStandIn({ token: TOKEN, guilds: [{ id: guildId }] });
  sd = await startSdApiStandIn();
  // The volume, as a runtime makes it from the image's /app/data: owned by the image's user.
  mkdirSync(data.path, { recursive: true });
  chownSync(data.path, 1000, 1000);
  gatewayEnv = {
    DISCORD_TOKEN: TOKEN,
    DISCORD_API_URL: discord.apiUrl,
    SD_API_BASE_URL: sd.baseUrl,
    CLEARCACHE_COOLDOWN_S: '0',
    HTTP_HOST: '127.0.0.1',
  };
});

afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.allSettled([discord?.close(), sd?.close()]);
  for (const name of containers) await exec('buildah', ['rm', name]).catch(() => undefined);
  rmSync(data.path, { recursive: true, force: true });
});

const admin = () => people(discord, guildId).admin;
const clearCalls = () => sd.requests.filter((r) => r.path.endsWith('/v5/clear_cache'));

describe('the image as built', () => {
  it('runs node as the unprivileged user node in /app, exec form, with /app/data its volume and HTTP_PORT set', () => {
    expect(config.User).toBe('node');
    expect(config.WorkingDir).toBe('/app');
    expect(config.Entrypoint ?? []).toEqual([]);
    expect(config.Cmd).toEqual(['node', '--max-semi-space-size=2', 'dist/src/bin/start.js']);
    expect(Object.keys(config.Volumes ?? {})).toEqual(['/app/data']);
    expect(config.Env).toContain('HTTP_PORT=3000');
    expect(config.Env).toContain('NODE_ENV=production');
  });

  it('checks its health with node itself on /livez, and carries the OCI labels', () => {
    expect(config.Healthcheck?.Test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
    expect(config.Healthcheck?.Test.join(' ')).toContain('/livez');
    expect(config.Labels).toMatchObject({
      'org.opencontainers.image.version': pkg.version,
      'org.opencontainers.image.licenses': 'MIT',
    });
    expect(Object.keys(config.Labels ?? {})).toContain('org.opencontainers.image.source');
  });

  it('holds package.json, the lockfile, production dependencies and dist/ only: no .env, no test/, no sources, no devDependencies', async () => {
    const container = await newContainer();
    const { stdout } = await exec('buildah', ['mount', container]);
    const rootfs = stdout.trim();
    try {
      expect(readdirSync(`${rootfs}/app`).sort()).toEqual([
        'data',
        'dist',
        'node_modules',
        'package-lock.json',
        'package.json',
      ]);
      expect(readdirSync(`${rootfs}/app/dist`).sort()).toEqual(['commands', 'src']);
      // Dev-only packages are those the lockfile marks "dev" (a devDependency that production
      // code also pulls, such as @types/node under discord.js, is not one of them).
      const devOnly = Object.entries(lock.packages)
        .filter(([path, entry]) => path.startsWith('node_modules/') && entry.dev === true)
        .map(([path]) => path);
      expect(devOnly).toEqual(
        expect.arrayContaining(['node_modules/typescript', 'node_modules/vitest', 'node_modules/tsx']),
      );
      for (const path of devOnly)
        expect(existsSync(`${rootfs}/app/${path}`), `dev-only package ${path} in the image`).toBe(false);
      for (const dep of Object.keys(pkg.dependencies))
        expect(existsSync(`${rootfs}/app/node_modules/${dep}`), `dependency ${dep} missing from the image`).toBe(true);
      expect(existsSync(`${rootfs}/app/node_modules/sqlite3/build/Release/node_sqlite3.node`)).toBe(true);
      expect(statSync(`${rootfs}/app/data`).uid).toBe(1000);
      const { stdout: envFiles } = await exec('find', [
        `${rootfs}/app`,
        `${rootfs}/home`,
        `${rootfs}/root`,
        '-name',
        '.env*',
      ]);
      expect(envFiles.trim()).toBe('');
      // The project's own tests (dependencies ship theirs; those are not ours to prune).
      const { stdout: tests } = await exec('find', [
        `${rootfs}/app`,
        '-path',
        `${rootfs}/app/node_modules`,
        '-prune',
        '-o',
        '(',
        '-name',
        'test',
        '-o',
        '-name',
        '*.test.*',
        ')',
        '-print',
      ]);
      expect(tests.trim()).toBe('');
    } finally {
      await exec('buildah', ['umount', container]);
    }
  });
});

describe('the image running, with its own command, user and environment', () => {
  it('gateway mode: ready as uid 1000 in /app; /apikey set then /clearcache calls the API once with that key; healthy while it runs; SIGTERM exits 0 in time; unhealthy after', async () => {
    const port = String(await freePort());
    const env = { ...gatewayEnv, HTTP_PORT: port };
    const bot = await startImage(env, data.path);
    await bot.waitForLog((l) => l.msg === 'ready', 'the ready line');
    const pid = bot.botPid();
    expect(uidOf(pid)).toEqual([1000, 1000, 1000, 1000]);
    expect(readlinkSync(`/proc/${pid}/cwd`)).toMatch(/\/app$/);

    const saved = await discord
      .sendInteraction({ ...admin(), command: 'apikey', subcommand: 'set', options: [stringOption('key', KEY)] })
      .reply();
    expect(embedOf(saved).title).toBe('API key checked and saved');
    const before = clearCalls().length;
    const cleared = await discord.sendInteraction({ ...admin(), command: 'clearcache' }).reply();
    expect(embedOf(cleared).all).not.toContain(KEY);
    const calls = clearCalls().slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.json).toEqual({ key: KEY });
    // The bot wrote the database and its key file into the volume as the image's user.
    expect(statSync(`${data.path}/bot.sqlite`).uid).toBe(1000);
    expect(statSync(`${data.path}/encryption.key`).uid).toBe(1000);

    expect(await healthcheck(bot.container, env)).toBe(0);

    const signalled = performance.now();
    process.kill(pid, 'SIGTERM');
    expect(await bot.exited).toBe(0);
    const tookMs = performance.now() - signalled;
    console.log(`[time] gateway mode: SIGTERM to exit ${(tookMs / 1000).toFixed(1)} s`);
    expect(tookMs).toBeLessThan(STOP_LIMIT_MS);
    expect(bot.output()).not.toContain(KEY);
    expect(bot.output()).not.toContain(TOKEN);

    expect(await healthcheck(bot.container, env)).not.toBe(0);
  });

  it('the volume outlives the container: a new container on it clears with the key set in the last one', async () => {
    const bot = await startImage({ ...gatewayEnv, HTTP_PORT: String(await freePort()) }, data.path);
    await bot.waitForLog((l) => l.msg === 'ready', 'the ready line');
    const before = clearCalls().length;
    const cleared = await discord.sendInteraction({ ...admin(), command: 'clearcache' }).reply();
    expect(embedOf(cleared).title).not.toMatch(/No API key/i);
    const calls = clearCalls().slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.json).toEqual({ key: KEY });
    process.kill(bot.botPid(), 'SIGTERM');
    expect(await bot.exited).toBe(0);
  });

  it('http mode: answers a signed PING, refuses a bad signature, /readyz 200; SIGTERM exits 0', async () => {
    const port = await freePort();
    const fresh = tempDir('sdbot-image-http-');
    chownSync(fresh.path, 1000, 1000);
    try {
      const bot = await startImage(
        { ...gatewayEnv, INTERACTIONS_MODE: 'http', DISCORD_PUBLIC_KEY: discord.publicKey, HTTP_PORT: String(port) },
        fresh.path,
      );
      const ready = await bot.waitForLog((l) => l.msg === 'ready', 'the ready line');
      expect(ready).toMatchObject({ mode: 'http' });
      const check = await discord.checkEndpoint(`http://127.0.0.1:${port}/interactions`);
      expect(check.ping.status).toBe(200);
      expect(check.ping.body).toEqual({ type: 1 });
      expect(check.badSignature.status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      const signalled = performance.now();
      process.kill(bot.botPid(), 'SIGTERM');
      expect(await bot.exited).toBe(0);
      expect(performance.now() - signalled).toBeLessThan(STOP_LIMIT_MS);
    } finally {
      fresh.remove();
    }
  });
});
