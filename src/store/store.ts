/**
 * A store is keyv over one backend (SQLite by default, PostgreSQL or Redis by DATABASE_URL), with
 * the records in keyv's own format, plus the one thing keyv does not offer: a write that lands only
 * if the record is unchanged (compare-and-set), done by the backend's own server in one step.
 */
import Keyv, { type KeyvOptions } from 'keyv';
import { DamagedRecordError } from '../core/errors.js';
import type { RecordStore, Scanned, Versioned, Written } from '../core/records.js';
import { walkWithin, withDeadline } from './deadline.js';

/** keyv's namespace for every record of the bot. */
export const NAMESPACE = 'sdbot';

export type StoreKind = 'sqlite' | 'postgres' | 'redis';

/**
 * Records are keyv's `{"value":...}` as plain JSON: keyv's default serializer also escapes strings
 * that start with ':' and encodes Buffers, which these records never hold, at several times the
 * cost of JSON. (Any keyv opened with these two options reads them.)
 */
export const KEYV_FORMAT = { serialize: JSON.stringify, deserialize: JSON.parse } as const;

/** keyv over a backend's adapter, as every backend uses it: the bot's namespace and format, and errors thrown (never read as "no record"). */
export function keyvOver(store: KeyvOptions['store'], options: Partial<KeyvOptions> = {}): Keyv {
  return new Keyv({ store, namespace: NAMESPACE, ...KEYV_FORMAT, throwOnErrors: true, emitErrors: false, ...options });
}

export interface Store extends RecordStore {
  readonly kind: StoreKind;
  /** Where the data lives, fit for a log line: a file path, or a URL without its password. */
  readonly where: string;
  /** The database file (SQLite only): the key file lives beside it. */
  readonly file: string | undefined;
  /** The keyv instance over the same backend (records in keyv's format, namespace `sdbot`). */
  readonly keyv: Keyv;
  /** Every record under `prefix` as stored (keyv's serialized text), never decoded: for moving a store. */
  scanRaw(prefix: string): AsyncIterable<[string, string]>;
  /** Puts a record as stored if the key is free; says whether it wrote, found the same, or found another value. */
  insertRaw(key: string, raw: string): Promise<'written' | 'same' | 'different'>;
  /** Resolves when the backend answers a trivial query (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** How long one call may take before it fails (StoreTimeoutError inside a StoreError). */
  readonly deadlineMs: number;
}

/** What each backend does in its own terms: raw (serialized) values under raw keys. */
export interface RawBackend {
  readonly kind: StoreKind;
  readonly where: string;
  readonly file: string | undefined;
  readonly keyv: Keyv;
  get(rawKey: string): Promise<string | undefined>;
  /** Sets (or deletes, when `next` is undefined) only if the value is still `expected` (undefined: absent). */
  compareAndSet(rawKey: string, expected: string | undefined, next: string | undefined): Promise<boolean>;
  /** Every [rawKey, rawValue] whose raw key starts with `rawPrefix`. Errors throw. */
  scan(rawPrefix: string): AsyncIterable<[string, string]>;
  /** The raw key for a record key, and back. */
  rawKey(key: string): string;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The record layer every backend shares: keyv's serialization, damaged records named, not thrown at
 * random, and every call to the backend bounded by one deadline, whatever the backend.
 */
export function storeOver(raw: RawBackend, deadlineMs: number): Store {
  const { keyv } = raw;
  const backend = {
    get: (key: string) => withDeadline('read', deadlineMs, () => raw.get(key)),
    compareAndSet: (key: string, expected: string | undefined, next: string | undefined) =>
      withDeadline('write', deadlineMs, () => raw.compareAndSet(key, expected, next)),
    scan: (prefix: string) => walkWithin('scan', deadlineMs, raw.scan(prefix)),
    rawKey: (key: string) => raw.rawKey(key),
  };
  const serialize = keyv.serialize ?? JSON.stringify;
  const deserialize = keyv.deserialize ?? JSON.parse;
  const decode = async (key: string, raw: string): Promise<unknown> => {
    let data: unknown;
    try {
      data = await deserialize(raw);
    } catch {
      throw new DamagedRecordError(key, 'not JSON');
    }
    if (typeof data !== 'object' || data === null || !('value' in data))
      throw new DamagedRecordError(key, 'not a keyv record');
    return (data as { value: unknown }).value;
  };
  const encode = async (value: unknown) => String(await serialize({ value }));
  const prefixLength = backend.rawKey('').length;

  return {
    kind: raw.kind,
    where: raw.where,
    file: raw.file,
    keyv,
    deadlineMs,
    async read(key): Promise<Versioned> {
      const raw = await backend.get(backend.rawKey(key));
      return raw === undefined
        ? { value: undefined, version: undefined }
        : { value: await decode(key, raw), version: raw };
    },
    async write(key, value, version): Promise<Written> {
      const next = value === undefined ? undefined : await encode(value);
      return (await backend.compareAndSet(backend.rawKey(key), version, next))
        ? { ok: true, version: next }
        : { ok: false };
    },
    async *scan(prefix): AsyncIterable<Scanned> {
      for await (const [rawKey, raw] of backend.scan(backend.rawKey(prefix))) {
        const key = rawKey.slice(prefixLength);
        let value: unknown;
        try {
          value = await decode(key, raw);
        } catch (error) {
          yield { key, damaged: (error as DamagedRecordError).reason };
          continue;
        }
        yield { key, value };
      }
    },
    async *scanRaw(prefix) {
      for await (const [rawKey, raw] of backend.scan(backend.rawKey(prefix))) yield [rawKey.slice(prefixLength), raw];
    },
    async insertRaw(key, raw) {
      const rawKey = backend.rawKey(key);
      if (await backend.compareAndSet(rawKey, undefined, raw)) return 'written';
      return (await backend.get(rawKey)) === raw ? 'same' : 'different';
    },
    ping: () => withDeadline('ping', deadlineMs, () => raw.ping()),
    close: () => withDeadline('close', deadlineMs, () => raw.close()),
  };
}
