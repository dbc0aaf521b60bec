import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSealer, keyCheckValue } from '../../src/core/seal.js';
import { SEALING_MARK_KEY, claimSealingMark, moveSealingMark, readSealingMark } from '../../src/core/sealing-mark.js';
import { type Store, openStore } from '../../src/store/index.js';
import { tempDir } from '../support/temp.js';

describe('the sealing mark: which key seals a store', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  beforeEach(async () => {
    dir = tempDir();
    store = await openStore(`sqlite://${dir.path}/bot.sqlite`);
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  it('is a check value of the key, never the key: the same for one key, another for another', () => {
    const key = randomBytes(32);
    expect(keyCheckValue(key)).toBe(keyCheckValue(Buffer.from(key)));
    expect(keyCheckValue(key)).not.toBe(keyCheckValue(randomBytes(32)));
    expect(keyCheckValue(key)).not.toContain(key.toString('base64url').slice(0, 8));
    expect(createSealer(key).check).toBe(keyCheckValue(key));
  });

  it('is written by the first key to claim the store; the same key finds it, another is told which key it is', async () => {
    const first = createSealer(randomBytes(32));
    const second = createSealer(randomBytes(32));
    expect(await readSealingMark(store, first)).toEqual({ kind: 'absent' });
    expect(await claimSealingMark(store, first)).toEqual({ kind: 'absent' });
    expect(await claimSealingMark(store, first)).toEqual({ kind: 'same' });
    expect(await claimSealingMark(store, second)).toEqual({ kind: 'other', kid: first.kid });
    expect((await store.read(SEALING_MARK_KEY)).value).toEqual({ check: first.check, kid: first.kid });
  });

  it('of many keys claiming an empty store at once, exactly one wins and every other is refused', async () => {
    const sealers = Array.from({ length: 8 }, () => createSealer(randomBytes(32)));
    const results = await Promise.all(sealers.map((sealer) => claimSealingMark(store, sealer)));
    const winners = results.filter((r) => r.kind === 'absent');
    expect(winners).toHaveLength(1);
    const winner = sealers[results.indexOf(winners[0]!)]!;
    expect(results.filter((r) => r.kind === 'other')).toEqual(Array(7).fill({ kind: 'other', kid: winner.kid }));
  });

  it('moves to the new key in a rotation, from the old key or from nothing, and not from a third key', async () => {
    const old = createSealer(randomBytes(32));
    const next = createSealer(randomBytes(32));
    expect(await moveSealingMark(store, old, next)).toEqual({ kind: 'moved' });
    expect(await readSealingMark(store, next)).toEqual({ kind: 'same' });
    expect(await moveSealingMark(store, old, next)).toEqual({ kind: 'already' });
    const third = createSealer(randomBytes(32));
    expect(await moveSealingMark(store, old, third)).toEqual({ kind: 'other', kid: next.kid });
    expect(await readSealingMark(store, next)).toEqual({ kind: 'same' });
    expect(await moveSealingMark(store, next, third)).toEqual({ kind: 'moved' });
    expect(await readSealingMark(store, third)).toEqual({ kind: 'same' });
  });
});
