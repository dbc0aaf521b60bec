/** A second connection to a bot's SQLite file, as a backup tool, a sqlite3 shell or another process would have. */
import sqlite3 from 'sqlite3';

export interface SqliteConnection {
  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>;
  run(sql: string): Promise<void>;
  close(): Promise<void>;
}

export function sqliteConnection(file: string): SqliteConnection {
  const db = new sqlite3.Database(file);
  db.configure('busyTimeout', 3000);
  return {
    all: (sql, ...params) =>
      new Promise((resolve, reject) =>
        db.all(sql, params, (e: Error | null, rows: never[]) => (e ? reject(e) : resolve(rows))),
      ),
    run: (sql) => new Promise<void>((resolve, reject) => db.exec(sql, (e) => (e ? reject(e) : resolve()))),
    close: () => new Promise<void>((resolve) => db.close(() => resolve())),
  };
}
