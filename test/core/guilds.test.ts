import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_LIMIT, GuildRecords, keyCensus, recentEvents } from '../../src/core/guilds.js';
import { createSealer } from '../../src/core/seal.js';
import { type Store, openStore } from '../../src/store/index.js';
import { databaseBytes, tempDir } from '../support/temp.js';

const KEY_A = 'guildA-secret-key-0123456789';
const KEY_B = 'guildB-secret-key-9876543210';

describe('GuildRecords on a real sqlite file', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  let url: string;
  const sealer = createSealer(randomBytes(32));
  const open = async () => {
    store = await openStore(url);
    return new GuildRecords(store, sealer);
  };

  beforeEach(() => {
    dir = tempDir();
    url = `sqlite://${dir.path}/nested/folder/bot.sqlite`;
  });
  afterEach(async () => {
    await store?.close().catch(() => undefined);
    dir.remove();
  });

  it('creates the folder and the database on first open', async () => {
    const guilds = await open();
    expect(await guilds.settings('1')).toEqual({ roles: [], audit: [] });
    expect(store.file).toBe(`${dir.path}/nested/folder/bot.sqlite`);
  });

  it('sets, opens and removes a key, per guild, with who and when', async () => {
    const guilds = await open();
    await guilds.setKey('1', KEY_A, 'u1');
    await guilds.setKey('2', KEY_B, 'u2');
    const one = guilds.openKey('1', await guilds.settings('1'));
    expect(one).toMatchObject({ kind: 'ok', key: KEY_A, setBy: 'u1' });
    expect(guilds.openKey('2', await guilds.settings('2'))).toMatchObject({ kind: 'ok', key: KEY_B, setBy: 'u2' });
    expect(await guilds.removeKey('1', 'u1')).toBe(true);
    expect(await guilds.removeKey('1', 'u1')).toBe(false);
    expect(guilds.openKey('1', await guilds.settings('1'))).toEqual({ kind: 'none' });
    expect(guilds.openKey('2', await guilds.settings('2'))).toMatchObject({ kind: 'ok', key: KEY_B });
  });

  it('keeps keys after close and reopen, and never writes them in plaintext', async () => {
    let guilds = await open();
    await guilds.setKey('1', KEY_A, 'u1');
    const bytesWhileOpen = await databaseBytes(store.file!);
    await store.close();
    guilds = await open();
    expect(guilds.openKey('1', await guilds.settings('1'))).toMatchObject({ kind: 'ok', key: KEY_A });
    const bytesAfter = await databaseBytes(store.file!);
    for (const bytes of [bytesWhileOpen, bytesAfter]) {
      expect(bytes).toContain('guild:1'); // the record is there...
      expect(bytes).not.toContain(KEY_A); // ...but not the key
      expect(bytes).not.toContain(Buffer.from(KEY_A).toString('base64').slice(0, 16));
    }
  });

  it('grants and revokes roles, idempotently', async () => {
    const guilds = await open();
    expect(await guilds.grantRole('1', 'r1', 'u')).toBe('granted');
    expect(await guilds.grantRole('1', 'r1', 'u')).toBe('already');
    expect(await guilds.grantRole('2', 'r9', 'u')).toBe('granted');
    expect((await guilds.settings('1')).roles).toEqual(['r1']);
    expect(await guilds.revokeRole('1', 'r2', 'u')).toBe('not-granted');
    expect(await guilds.revokeRole('1', 'r1', 'u')).toBe('revoked');
    expect((await guilds.settings('1')).roles).toEqual([]);
    expect((await guilds.settings('2')).roles).toEqual(['r9']);
  });

  it('loses no change when many happen at once', async () => {
    const guilds = await open();
    await Promise.all(Array.from({ length: 20 }, (_, i) => guilds.grantRole('1', `r${i}`, 'u')));
    expect((await guilds.settings('1')).roles.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `r${i}`).sort());
  });

  it('loses no change, and no audit line, when two processes change one server at once', async () => {
    const guilds = await open();
    const second = await openStore(url);
    try {
      const other = new GuildRecords(second, sealer);
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? guilds : other).grantRole('1', `r${i}`, `u${i}`)),
      );
      const settings = await guilds.settings('1');
      expect(settings.roles.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `r${i}`).sort());
      expect(
        settings.audit
          .filter((e) => e.action === 'role-grant')
          .map((e) => e.detail)
          .sort(),
      ).toEqual(settings.roles.sort());
    } finally {
      await second.close();
    }
  });

  it('records an audit trail, newest first, bounded to the last 100', async () => {
    let now = 1_000;
    store = await openStore(url);
    const guilds = new GuildRecords(store, sealer, undefined, () => now++);
    await guilds.setKey('1', KEY_A, 'admin');
    for (let i = 0; i < AUDIT_LIMIT + 5; i++) {
      const at = now++;
      await guilds.modify('1', undefined, (s) => [
        { ...s, lastClear: { at, by: `u${i}`, outcome: 'ok', latencyMs: i } },
        undefined,
        { at, userId: `u${i}`, action: 'clear', detail: 'ok', latencyMs: i },
      ]);
    }
    const last = recentEvents(await guilds.settings('1'), 10);
    expect(last).toHaveLength(10);
    expect(last[0]).toMatchObject({
      action: 'clear',
      userId: `u${AUDIT_LIMIT + 4}`,
      detail: 'ok',
      latencyMs: AUDIT_LIMIT + 4,
    });
    expect(last[0]!.at).toBeGreaterThan(last[1]!.at);
    const all = recentEvents(await guilds.settings('1'), 1000);
    expect(all).toHaveLength(AUDIT_LIMIT);
    expect(all.some((e) => e.action === 'key-set')).toBe(false); // the oldest was dropped
    expect((await guilds.settings('1')).lastClear).toMatchObject({
      by: `u${AUDIT_LIMIT + 4}`,
      outcome: 'ok',
      at: last[0]!.at,
    });
    expect(recentEvents(await guilds.settings('2'))).toEqual([]);
  });

  it("a sealed key copied into another server's record does not open there, even right after opening at home", async () => {
    const guilds = await open();
    await guilds.setKey('1', KEY_A, 'u');
    const home = await guilds.settings('1');
    expect(guilds.openKey('1', home)).toMatchObject({ kind: 'ok', key: KEY_A });
    expect(guilds.openKey('2', { roles: [], audit: [], apiKey: home.apiKey! })).toEqual({
      kind: 'unreadable',
      reason: 'tampered',
    });
  });

  it('tells its observer every key it seals or opens', async () => {
    const seen: string[] = [];
    store = await openStore(url);
    const guilds = new GuildRecords(store, sealer, (s) => seen.push(s));
    await guilds.setKey('1', KEY_A, 'u');
    guilds.openKey('1', await guilds.settings('1'));
    expect(seen).toEqual([KEY_A, KEY_A]);
  });

  it('counts keys sealed under another key, by key id, names their servers, and reports damaged records', async () => {
    const guilds = await open();
    await guilds.setKey('1', KEY_A, 'u');
    await guilds.setKey('2', KEY_B, 'u');
    expect(await keyCensus(store, sealer)).toEqual({ total: 2, foreign: [], largestOtherKey: 0, damaged: [] });
    const other = createSealer(randomBytes(32));
    expect(await keyCensus(store, other)).toEqual({ total: 2, foreign: ['1', '2'], largestOtherKey: 2, damaged: [] });
    await new GuildRecords(store, other).setKey('3', KEY_A, 'u');
    await store.keyv.set('guild:4', { roles: [], audit: [], apiKey: { sealed: 'not-sealed', setBy: 'u', setAt: 1 } });
    await store.keyv.set('guild:5', { roles: 'not a list' });
    const census = await keyCensus(store, sealer);
    expect({ ...census, foreign: census.foreign.toSorted() }).toEqual({
      total: 4,
      foreign: ['3', '4'],
      largestOtherKey: 1,
      damaged: [{ guildId: '5', reason: 'roles is not a list of ids' }],
    });
  });
});
