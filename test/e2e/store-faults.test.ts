/**
 * When the store fails (file removed, locked, damaged, read-only, full), the command answers with a
 * clear error embed and a log line, the bot stays up, and it works again once the store is back.
 * Each fault is made for real on a real sqlite file.
 */
import { copyFileSync, openSync, renameSync, rmSync, writeSync, closeSync } from 'node:fs';
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringOption } from '../support/discord-standin.js';
import { embedOf, isEphemeral, people } from '../support/people.js';
import { type InProcessRig, type Rig, type World, startInProcessRig, startRig } from '../support/rig.js';

const setKey = (world: World, guildId: string, key: string) =>
  world.run({ ...people(world.discord, guildId).admin, command: 'apikey', subcommand: 'set', options: [stringOption('key', key)] });
const status = (world: World, guildId: string) => world.run({ ...people(world.discord, guildId).admin, command: 'apikey', subcommand: 'status' });

/** Another process's connection to the same file, as a backup tool or a stray sqlite3 shell would have. */
function otherConnection(file: string) {
  const db = new sqlite3.Database(file);
  const run = (sql: string) => new Promise<void>((resolve, reject) => db.exec(sql, (e) => (e ? reject(e) : resolve())));
  return { run, close: () => new Promise<void>((resolve) => db.close(() => resolve())) };
}

describe('a running bot whose database file is removed, locked or damaged', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({ guilds: 4 });
  });
  afterAll(() => rig?.close());

  async function expectStoreError(guildId: string) {
    const reply = await setKey(rig, guildId, 'during-the-fault-1234');
    expect(embedOf(reply).title).toBe('Storage unavailable');
    expect(isEphemeral(reply)).toBe(true);
    await rig.bot.waitForLog((l) => l.msg === 'store unavailable' && l.guildId === guildId, 5000, 'the store error line');
    expect(rig.bot.child.exitCode).toBeNull(); // still up
  }

  it('file removed: a clear error, and it works again once the file is back', async () => {
    const guildId = rig.guildIds[0]!;
    await setKey(rig, guildId, 'before-removal-123456');
    const backup = `${rig.dir}/backup.sqlite`;
    const other = otherConnection(rig.dbFile);
    await other.run('PRAGMA wal_checkpoint(TRUNCATE)');
    await other.close();
    copyFileSync(rig.dbFile, backup);

    rmSync(rig.dbFile);
    await expectStoreError(guildId);
    await expectStoreError(guildId); // and not recreated empty meanwhile

    renameSync(backup, rig.dbFile);
    expect(embedOf(await status(rig, guildId)).description).toContain('••••3456');
    expect(embedOf(await setKey(rig, guildId, 'after-restore-654321')).title).toBe('API key saved');
  });

  it('file locked by another process: a clear error after the busy timeout, then it works', async () => {
    const guildId = rig.guildIds[1]!;
    const other = otherConnection(rig.dbFile);
    await other.run('BEGIN EXCLUSIVE');
    try {
      const handle = rig.discord.sendInteraction({ ...people(rig.discord, guildId).admin, command: 'apikey', subcommand: 'set', options: [stringOption('key', 'locked-out-key-1234')] });
      const callback = await handle.callback;
      expect(callback.at - handle.sentAt).toBeLessThan(3000);
      expect(embedOf(await handle.reply(10_000)).title).toBe('Storage unavailable');
    } finally {
      await other.run('COMMIT');
      await other.close();
    }
    expect(embedOf(await setKey(rig, guildId, 'unlocked-key-5678')).title).toBe('API key saved');
  });

  it('file damaged: a clear error, and it works again once a backup is put back', async () => {
    const guildId = rig.guildIds[2]!;
    await setKey(rig, guildId, 'before-damage-0abcdef');
    const other = otherConnection(rig.dbFile);
    await other.run('PRAGMA wal_checkpoint(TRUNCATE)');
    await other.close();
    const backup = `${rig.dir}/backup2.sqlite`;
    copyFileSync(rig.dbFile, backup);

    const fd = openSync(rig.dbFile, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, 0);
    closeSync(fd);
    const reply = await status(rig, guildId);
    expect(embedOf(reply).title).toBe('Storage unavailable');
    expect(rig.bot.child.exitCode).toBeNull();

    copyFileSync(backup, rig.dbFile);
    expect(embedOf(await status(rig, guildId)).description).toContain('••••cdef');
  });

  it('a damaged record: a clear error for that server only', async () => {
    const [damaged, healthy] = [rig.guildIds[3]!, rig.guildIds[0]!];
    await setKey(rig, damaged, 'record-key-000111');
    const other = otherConnection(rig.dbFile);
    await other.run(`UPDATE keyv SET value = '{"value":{"roles":[' WHERE key = 'sdbot:guild:${damaged}'`);
    await other.close();
    expect(embedOf(await status(rig, damaged)).title).toBe('Storage unavailable');
    expect(embedOf(await status(rig, healthy)).title).toBe('API key set');
    expect(embedOf(await setKey(rig, damaged, 'fresh-key-000222')).title).toBe('Storage unavailable');
  });
});

describe('a database that refuses writes (read-only, disk full)', () => {
  let rig: InProcessRig;
  beforeAll(async () => {
    rig = await startInProcessRig({ guilds: 2 });
  });
  afterAll(() => rig?.close());

  const query = (sql: string, ...params: unknown[]) => rig.app.store.query(sql, ...params);
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

  it('slow: the interaction is acknowledged privately within 3 s and answered when the store answers', async () => {
    const guildId = rig.guildIds[1]!;
    const { keyv } = rig.app.store;
    const realGet = keyv.get.bind(keyv);
    keyv.get = (async (...args: Parameters<typeof realGet>) => {
      await new Promise((r) => setTimeout(r, 2500));
      return realGet(...args);
    }) as typeof keyv.get;
    try {
      const handle = rig.discord.sendInteraction({ ...people(rig.discord, guildId).member, command: 'clearcache' });
      const callback = await handle.callback;
      expect(callback.at - handle.sentAt).toBeLessThan(2500);
      expect(callback.body).toMatchObject({ type: 5, data: { flags: 64 } });
      const reply = await handle.reply(8000);
      expect(embedOf(reply).title).toBe('Not allowed'); // the refusal stays private
      expect(isEphemeral(reply)).toBe(true);
    } finally {
      keyv.get = realGet;
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
      expect(embedOf(reply).title).toBe('Storage unavailable');
      const line = rig.logs.findLast((l) => l.msg === 'store unavailable');
      expect(JSON.stringify(line)).toMatch(error);
      expect(embedOf(await status(rig, guildId)).description).toContain('••••0000');
    } finally {
      await repair();
    }
    expect(embedOf(await setKey(rig, guildId, 'written-after-repair-2222')).title).toBe('API key saved');
    expect(embedOf(await status(rig, guildId)).description).toContain('••••2222');
  });
});
