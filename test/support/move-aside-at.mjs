/**
 * Preloaded into a child process (node --import) to take its SQLite database away part way through
 * a run: at the Nth AES-GCM seal (MOVE_ASIDE_AT=N) the file MOVE_ASIDE is renamed to MOVE_ASIDE.aside,
 * as an operator's mistake or a failing disk would, and the store fails every call after. Renaming it
 * back puts every write made so far where it was (the same file).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const at = Number(process.env.MOVE_ASIDE_AT);
const file = process.env.MOVE_ASIDE ?? '';
const real = crypto.createCipheriv;
let seals = 0;
crypto.createCipheriv = function (...args) {
  if (++seals === at) fs.renameSync(file, `${file}.aside`);
  return real.apply(this, args);
};
syncBuiltinESMExports();
