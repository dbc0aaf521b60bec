/**
 * Moving a store: every record copied into another store as it is stored (keyv's serialized text,
 * sealed API keys included, never decoded or opened), each only where its key is still free. So a
 * rerun after an interruption finds what it copied already there, and nothing a target holds is
 * ever overwritten: a key that holds another value there is reported as a conflict and left alone.
 */
import { realpathSync } from 'node:fs';
import { sqliteFile } from './sqlite.js';
import type { Store } from './store.js';

export interface MigrationCounts {
  /** Records read from the source so far. */
  seen: number;
  /** Written to the target by this run. */
  copied: number;
  /** At the target already with the very same stored value (an earlier run, interrupted or not). */
  alreadyThere: number;
  /** At the target with another value: left as they are. */
  conflicting: number;
}

export interface MigrationReport extends MigrationCounts {
  /** The keys of the conflicting records (keys only: values are never reported). */
  conflicts: string[];
}

/** Writes in flight at once: enough to keep a server busy, few enough to stop soon when it fails. */
const BATCH = 100;

/**
 * Copies every record of `from` into `to` where its key is free. `onProgress` is told the counts
 * after every batch of writes has landed. A failing write throws (after the rest of its batch has
 * settled); what landed before stays, and a rerun goes on from there.
 */
export async function migrateRecords(
  from: Pick<Store, 'scanRaw'>,
  to: Pick<Store, 'insertRaw'>,
  onProgress: (counts: MigrationCounts) => void = () => undefined,
): Promise<MigrationReport> {
  const report: MigrationReport = { seen: 0, copied: 0, alreadyThere: 0, conflicting: 0, conflicts: [] };
  // A Redis SCAN may return a key more than once: each is copied and counted once.
  const keys = new Set<string>();
  let batch: Array<[string, string]> = [];
  const flush = async () => {
    const outcomes = await Promise.allSettled(batch.map(([key, raw]) => to.insertRaw(key, raw)));
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status === 'rejected') throw outcome.reason;
      if (outcome.value === 'written') report.copied += 1;
      else if (outcome.value === 'same') report.alreadyThere += 1;
      else {
        report.conflicting += 1;
        report.conflicts.push(batch[i]![0]);
      }
    }
    report.seen += batch.length;
    batch = [];
    onProgress({
      seen: report.seen,
      copied: report.copied,
      alreadyThere: report.alreadyThere,
      conflicting: report.conflicting,
    });
  };
  for await (const [key, raw] of from.scanRaw('')) {
    if (keys.has(key)) continue;
    keys.add(key);
    batch.push([key, raw]);
    if (batch.length === BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  return report;
}

/**
 * Whether two store URLs name the same store, as far as the URLs tell: the same SQLite file, or
 * the same server (default ports filled in, localhost and loopback alike) and database. Passwords
 * and options do not count.
 */
export function sameStore(a: string, b: string): boolean {
  return storeIdentity(a) === storeIdentity(b);
}

function storeIdentity(url: string): string {
  if (url.startsWith('sqlite:')) {
    const file = sqliteFile(url);
    try {
      return `sqlite:${realpathSync(file)}`;
    } catch {
      return `sqlite:${file}`;
    }
  }
  const parsed = new URL(url);
  const scheme = parsed.protocol.startsWith('postgres') ? 'postgres' : 'redis';
  const port = parsed.port || (scheme === 'postgres' ? '5432' : '6379');
  const host = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname.toLowerCase())
    ? 'localhost'
    : parsed.hostname.toLowerCase();
  let database = decodeURIComponent(parsed.pathname.replace(/^\/+/, ''));
  // Without a database in the URL: Redis uses database 0, PostgreSQL the one named like the user.
  if (database === '') database = scheme === 'redis' ? '0' : decodeURIComponent(parsed.username);
  return `${scheme}://${host}:${port}/${database}`;
}
