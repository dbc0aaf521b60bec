/**
 * When the store fails (file removed, replaced, locked, damaged, read-only, full), the command
 * answers with a clear error embed and a log line, and the bot stays up. Backups taken with
 * `npm run backup` while the bot runs are consistent; `npm run restore` with the bot stopped puts
 * one back whole. Each fault is made for real on a real SQLite file.
 */
import { execFile } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  openSync,
  readdirSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type KeyvSqlite from '@keyv/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_DEADLINE_MS, openStore } from '../../src/store/index.js';
import { baseEnv, runScript } from '../support/bot-env.js';
import { stringOption } from '../support/discord-standin.js';
import { embedOf, isEphemeral, people } from '../support/people.js';
import { type InProcessRig, type Rig, type World, startInProcessRig, startRig, startWorld } from '../support/rig.js';
import { startBotProcess, startEnds } from '../support/bot-process.js';
import { createSealer } from '../../src/core/seal.js';
import { claimSealingMark } from '../../src/core/sealing-mark.js';
import { sqliteConnection } from '../support/sqlite.js';
import { tempDir } from '../support/temp.js';

const BACKUP = fileURLToPath(new URL('../../dist/src/bin/backup.js', import.meta.url));
const RESTORE = fileURLToPath(new URL('../../dist/src/bin/restore.js', import.meta.url));

const setKey = (world: World, guildId: string, key: string) =>
  world.run({
    ...people(world.discord, guildId).admin,
    command: 'apikey',
    subcommand: 'set',
    options: [stringOption('key', key)],
  });
const status = (world: World, guildId: string) =>
  world.run({ ...people(world.discord, guildId).admin, command: 'apikey', subcommand: 'status' });

describe('backups and restores of a running bot', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({ guilds: 4 });
  });
  afterAll(() => rig?.close());
  const tool = (entry: string, file: string) =>
    runScript(entry, { DISCORD_TOKEN: 'unused', DATABASE_URL: rig.env.DATABASE_URL! }, rig.dir, [file]);

  it('npm run backup while the bot runs holds what is still in the write-ahead log; restore with the bot stopped puts it back whole', async () => {
    const guildId = rig.guildIds[0]!;
    await setKey(rig, guildId, 'in-the-backup-123456');
    // Still in the write-ahead log: a plain copy of bot.sqlite alone does not have this key.
    copyFileSync(rig.dbFile, `${rig.dir}/plain-copy.sqlite`);
    const plain = sqliteConnection(`${rig.dir}/plain-copy.sqlite`);
    expect(await plain.all(`SELECT key FROM keyv WHERE key = 'sdbot:guild:${guildId}'`)).toEqual([]);
    await plain.close();
    const backed = await tool(BACKUP, `${rig.dir}/backup.sqlite`);
    expect(backed.stderr).toBe('');
    expect(backed.stdout).toMatch(/^Backed up \d+ records from .* to .*backup\.sqlite/);

    await setKey(rig, guildId, 'after-the-backup-7890');
    expect(embedOf(await status(rig, guildId)).description).toContain('••••7890');
    await rig.bot.stop('SIGTERM');
    const restored = await tool(RESTORE, `${rig.dir}/backup.sqlite`);
    expect(restored.stderr).toBe('');
    expect(restored.stdout).toMatch(/^Restored \d+ records/);
    await rig.startBot();
    expect(embedOf(await status(rig, guildId)).description).toContain('••••3456');
  });

  it('a backup over an existing file, or of a file that is not the bot database, is refused plainly', async () => {
    const taken = await tool(BACKUP, rig.dbFile);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/already exists: pick a new file name/);
    const junk = `${rig.dir}/junk.sqlite`;
    const fd = openSync(junk, 'w');
    writeSync(fd, 'not a database at all');
    closeSync(fd);
    const refused = await tool(RESTORE, junk);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is not a database of this bot|is damaged/);
  });

  it('a file replaced while the bot runs: every command says restart, and the bot never writes its old data over the new file', async () => {
    const guildId = rig.guildIds[1]!;
    await setKey(rig, guildId, 'before-the-swap-11111');
    expect((await tool(BACKUP, `${rig.dir}/swap.sqlite`)).code).toBe(0);
    await setKey(rig, guildId, 'only-in-old-file-22222');
    // Put the backup in place while the bot still runs (what the README says not to do).
    expect((await tool(RESTORE, `${rig.dir}/swap.sqlite`)).code).toBe(0);

    const reply = await setKey(rig, guildId, 'written-after-swap-33333');
    expect(embedOf(reply).title).toBe('Storage unavailable');
    expect(isEphemeral(reply)).toBe(true);
    const line = await rig.bot.waitForLog(
      (l) => l.msg === 'store unavailable' && l.guildId === guildId,
      5000,
      'the store error line',
    );
    expect(JSON.stringify(line)).toMatch(/was replaced while the bot was running.*Restart the bot/);
    expect(embedOf(await status(rig, guildId)).title).toBe('Storage unavailable');

    await rig.bot.stop('SIGTERM');
    await rig.startBot();
    expect(embedOf(await status(rig, guildId)).description).toContain('••••1111');
  });

  it('a file removed while the bot runs is never recreated empty: an error until it is back and the bot restarted', async () => {
    const guildId = rig.guildIds[2]!;
    await setKey(rig, guildId, 'before-removal-123456');
    await rig.bot.stop('SIGTERM');
    expect((await tool(BACKUP, `${rig.dir}/removed.sqlite`)).code).toBe(0);
    await rig.startBot();

    rmSync(rig.dbFile);
    expect(embedOf(await setKey(rig, guildId, 'during-the-fault-1234')).title).toBe('Storage unavailable');
    expect(embedOf(await status(rig, guildId)).title).toBe('Storage unavailable');
    expect(existsSync(rig.dbFile)).toBe(false);
    expect(rig.bot.child.exitCode).toBeNull();

    await rig.bot.stop('SIGTERM');
    expect((await tool(RESTORE, `${rig.dir}/removed.sqlite`)).code).toBe(0);
    await rig.startBot();
    expect(embedOf(await status(rig, guildId)).description).toContain('••••3456');
  });

  it('file locked by another process: a clear error after the busy timeout, then it works', {
    timeout: 30_000,
  }, async () => {
    const guildId = rig.guildIds[3]!;
    const other = sqliteConnection(rig.dbFile);
    await other.run('BEGIN EXCLUSIVE');
    try {
      const handle = rig.discord.sendInteraction({
        ...people(rig.discord, guildId).admin,
        command: 'apikey',
        subcommand: 'set',
        options: [stringOption('key', 'locked-out-key-1234')],
      });
      const callback = await handle.callback;
      expect(callback.at - handle.sentAt).toBeLessThan(3000);
      // SQLite gives up just before the store's deadline (10 s): a definite failure, nothing written,
      // and the reply says the key is not saved, after the API's check that came before the write.
      expect(embedOf(await handle.reply(STORE_DEADLINE_MS + 5000)).title).toBe('API key not saved');
    } finally {
      await other.run('COMMIT');
      await other.close();
    }
    expect(embedOf(await setKey(rig, guildId, 'unlocked-key-5678')).title).toBe('API key checked and saved');
  });

  it('file damaged in place: a clear error and the bot stays up; restoring a backup (bot stopped) brings it back', async () => {
    const guildId = rig.guildIds[3]!;
    await setKey(rig, guildId, 'before-damage-0abcdef');
    expect((await tool(BACKUP, `${rig.dir}/undamaged.sqlite`)).code).toBe(0);
    const other = sqliteConnection(rig.dbFile);
    await other.run('PRAGMA wal_checkpoint(TRUNCATE)');
    await other.close();
    const fd = openSync(rig.dbFile, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, 0);
    closeSync(fd);
    expect(embedOf(await status(rig, guildId)).title).toBe('Storage unavailable');
    expect(rig.bot.child.exitCode).toBeNull();

    await rig.bot.stop('SIGKILL');
    expect((await tool(RESTORE, `${rig.dir}/undamaged.sqlite`)).code).toBe(0);
    await rig.startBot();
    expect(embedOf(await status(rig, guildId)).description).toContain('••••cdef');
  });
});

describe('npm run backup stopped part way, or locked out', () => {
  let dir: ReturnType<typeof tempDir>;
  const env = { DISCORD_TOKEN: 'unused', DATABASE_URL: 'sqlite://data/bot.sqlite' };
  beforeAll(async () => {
    dir = tempDir();
    // About 1 MiB of records: more than the file size limit below lets a backup write.
    const store = await openStore(`sqlite://${dir.path}/data/bot.sqlite`);
    for (let i = 0; i < 2000; i++) await store.write(`filler:${i}`, { text: 'y'.repeat(500) }, undefined);
    await store.close();
  });
  afterAll(() => dir?.remove());

  /** The backup with a 64 KiB limit on the files it writes: the disk "fills" part way through VACUUM INTO. */
  const backupWithFullDisk = (target: string) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        'bash',
        ['-c', 'ulimit -f 64 && exec "$0" "$@"', process.execPath, BACKUP, target],
        { cwd: dir.path, env: { ...baseEnv(), ...env } },
        (error, _stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr }),
      );
    });

  it('a backup that fails part way leaves no file that looks like a backup, and a rerun writes it whole', async () => {
    const failed = await backupWithFullDisk('backup.sqlite');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      new RegExp(
        `^backup: cannot write the backup ${dir.path}/backup\\.sqlite \\(SQLITE_\\w+: .*\\): check that its folder is writable and has room\\. Nothing was written\\.\n$`,
      ),
    );
    expect(readdirSync(dir.path).sort()).toEqual(['data']);

    // What a run killed part way leaves (no cleanup runs then): a half-written file under the other name.
    writeFileSync(`${dir.path}/backup.sqlite.partial`, 'half a database');
    writeFileSync(`${dir.path}/backup.sqlite.partial-journal`, 'its journal');
    const again = await runScript(BACKUP, env, dir.path, ['backup.sqlite']);
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(again.stdout).toMatch(/^Backed up 2000 records /);
    expect(readdirSync(dir.path).sort()).toEqual(['backup.sqlite', 'data']);
  });

  it('a backup of a database another program holds locked says so, and writes nothing', async () => {
    const other = sqliteConnection(`${dir.path}/data/bot.sqlite`);
    // Exclusive locking mode: even readers of the write-ahead log are kept out until it lets go.
    await other.run("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; DELETE FROM keyv WHERE key = 'sdbot:filler:0'");
    try {
      const locked = await runScript(BACKUP, env, dir.path, ['locked.sqlite']);
      expect(locked.code).toBe(1);
      expect(locked.stderr).toBe(
        `backup: cannot back up ${dir.path}/data/bot.sqlite: it is locked by another program (SQLITE_BUSY: database is locked); try again when that program is done. Nothing was written.\n`,
      );
      expect(existsSync(`${dir.path}/locked.sqlite`)).toBe(false);
    } finally {
      await other.run('ROLLBACK');
      await other.close();
    }
    expect(await runScript(BACKUP, env, dir.path, ['locked.sqlite'])).toMatchObject({ code: 0, stderr: '' });
  });
});

describe('a database file the bot may read but not write', () => {
  it('stops the start with one line naming DATABASE_URL and the file, before it would be ready', async () => {
    const world = await startWorld({ guilds: 1 });
    try {
      const key = randomBytes(32);
      // A store a bot ran on before: marked by its key, so the start itself writes nothing.
      const store = await openStore(`sqlite://${world.dbFile}`);
      await claimSealingMark(store, createSealer(key));
      await store.close();
      chmodSync(world.dbFile, 0o444);
      // Root writes whatever the mode says: as root, the bot runs without that power.
      const bot = startBotProcess(
        { ...world.env, ENCRYPTION_KEY: key.toString('base64') },
        world.dir,
        undefined,
        [],
        [],
        process.getuid?.() === 0,
      );
      // A bot that gets as far as ready took a database it cannot write: that ends the wait too.
      const end = await startEnds(bot);
      expect(end).toBe(1);
      expect(bot.output()).toBe(
        `bot: DATABASE_URL: the database ${world.dbFile} can be read but not written (SQLITE_READONLY: attempt to write a readonly database); ` +
          'make it, its -wal and -shm, and its folder writable by the user the bot runs as\n',
      );
    } finally {
      await world.closeWorld();
    }
  });
});

describe('a damaged record', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({ guilds: 3 });
  });
  afterAll(() => rig?.close());

  it('a record that cannot be read gives an error for that server only, named in the log; the bot starts with it and says which server', async () => {
    const [damaged, malformed, healthy] = rig.guildIds as [string, string, string];
    for (const id of rig.guildIds) await setKey(rig, id, `record-key-${id.slice(-6)}`);
    const other = sqliteConnection(rig.dbFile);
    await other.run(`UPDATE keyv SET value = '{"value":{"roles":[' WHERE key = 'sdbot:guild:${damaged}'`);
    await other.run(
      `UPDATE keyv SET value = '{"value":{"apiKey":{"sealed":"v2.nonsense","setBy":"1","setAt":1},"roles":[],"audit":[]}}' WHERE key = 'sdbot:guild:${malformed}'`,
    );
    await other.close();

    const reply = await status(rig, damaged);
    expect(embedOf(reply).title).toBe("This server's settings cannot be read");
    expect(isEphemeral(reply)).toBe(true);
    expect(embedOf(await setKey(rig, damaged, 'fresh-key-000222')).title).toBe("This server's settings cannot be read");
    expect(
      await rig.bot.waitForLog((l) => l.msg === 'damaged record' && l.guildId === damaged, 5000, 'the damaged line'),
    ).toMatchObject({
      level: 50,
      record: `guild:${damaged}`,
      reason: 'not JSON',
    });
    expect(embedOf(await status(rig, healthy)).title).toBe('API key set');

    // A malformed sealed value is a key that does not open: the admin is told, and can set it again.
    expect(embedOf(await status(rig, malformed)).description).toContain('cannot be opened');
    expect(embedOf(await rig.run({ ...people(rig.discord, malformed).admin, command: 'clearcache' })).title).toBe(
      'The stored key cannot be opened',
    );

    await rig.bot.stop('SIGTERM');
    await rig.startBot();
    expect(
      rig.bot
        .logs()
        .filter((l) => /record is damaged/.test(l.msg))
        .map((l) => l.guildId),
    ).toEqual([damaged]);
    expect(rig.bot.logs().find((l) => /ENCRYPTION_KEY cannot open/.test(l.msg))).toMatchObject({
      count: 1,
      servers: [malformed],
    });
    expect(embedOf(await setKey(rig, malformed, 'replaced-key-000333')).title).toBe('API key checked and saved');
    expect(embedOf(await status(rig, healthy)).title).toBe('API key set');
  });
});

describe('a database that refuses writes (read-only, disk full), or is slow', () => {
  let rig: InProcessRig;
  beforeAll(async () => {
    rig = await startInProcessRig({ guilds: 2 });
  });
  afterAll(() => rig?.close());

  /** SQL on the bot's own connection, through the adapter's public query. */
  const query = (sql: string, ...params: unknown[]) =>
    (rig.app.store.keyv.store as KeyvSqlite).query(sql, ...params) as Promise<unknown[]>;
  /** No page left: cap the file at its size, then fill every free byte. */
  async function fillDisk() {
    await query('PRAGMA max_page_count = 1');
    for (let size = 4000, i = 0; size >= 1; i++) {
      try {
        await query('INSERT INTO keyv(key, value) VALUES (?, ?)', `filler:${i}`, 'x'.repeat(size));
      } catch {
        size = Math.floor(size / 2);
      }
    }
  }
  const freeDisk = async () => {
    await query(`DELETE FROM keyv WHERE key LIKE 'filler:%'`);
    await query('PRAGMA max_page_count = 1073741823');
  };

  it('slow: the interaction is deferred privately within 3 s and answered when the store answers', async () => {
    const guildId = rig.guildIds[1]!;
    const { store } = rig.app;
    const realRead = store.read.bind(store);
    // The store answers only once the interaction is acknowledged: a bot that waited for it would never defer.
    let acknowledged: Promise<unknown> = new Promise(() => undefined);
    store.read = async (key) => {
      await acknowledged;
      return realRead(key);
    };
    try {
      const handle = rig.discord.sendInteraction({ ...people(rig.discord, guildId).member, command: 'clearcache' });
      acknowledged = handle.callback;
      const callback = await handle.callback;
      expect(callback.at - handle.sentAt).toBeLessThan(3000);
      expect(callback.body).toMatchObject({ type: 5, data: { flags: 64 } });
      const reply = await handle.reply(8000);
      expect(embedOf(reply).title).toBe('Not allowed'); // the refusal stays private
      expect(isEphemeral(reply)).toBe(true);
    } finally {
      store.read = realRead;
    }
  });

  // As root (CI), file modes do not stop writes; sqlite's own limits give the very same errors.
  it.each([
    ['read-only', () => query('PRAGMA query_only = ON'), () => query('PRAGMA query_only = OFF'), /SQLITE_READONLY/],
    ['disk full', fillDisk, freeDisk, /SQLITE_FULL/],
  ])('%s: the command says storage is unavailable, then works when it is back', async (_name, fault, repair, error) => {
    const guildId = rig.guildIds[0]!;
    await setKey(rig, guildId, 'kept-while-faulty-0000');
    await fault();
    try {
      const reply = await setKey(rig, guildId, 'written-while-faulty-1111');
      // The check reached the API before the write failed: the reply says both, and that nothing was kept.
      expect(embedOf(reply)).toMatchObject({
        title: 'API key not saved',
        description: expect.stringContaining('The key stored before is unchanged.'),
        fields: [{ name: 'The API accepted the key', value: '$43.60 on the ModelsLab account' }],
      });
      const line = rig.logs.findLast((l) => l.msg === 'store unavailable');
      expect(JSON.stringify(line)).toMatch(error);
      expect(embedOf(await status(rig, guildId)).description).toContain('••••0000');
    } finally {
      await repair();
    }
    expect(embedOf(await setKey(rig, guildId, 'written-after-repair-2222')).title).toBe('API key checked and saved');
    expect(embedOf(await status(rig, guildId)).description).toContain('••••2222');
  });
});
