/**
 * Preloaded into a child process (node --import) to kill it with SIGKILL at an exact point, set by
 * KILL_AT: `open:N` at the Nth AES-GCM open, `seal:N` at the Nth seal, `rename:NAME` / `unlink:NAME`
 * just before a file named NAME is renamed into place or removed. Timing from outside cannot land
 * a kill between two steps a microsecond apart; this can, and the process dies as kill -9 does.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { basename } from 'node:path';

const [point, target] = (process.env.KILL_AT ?? '').split(':');

function die() {
  process.kill(process.pid, 'SIGKILL');
  // The signal lands before kill() returns on Linux; never run on past the point meanwhile.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
}

let calls = 0;
const atCall = (real) =>
  function (...args) {
    if (++calls === Number(target)) die();
    return real.apply(this, args);
  };
const atFile = (real, fileOf) =>
  function (...args) {
    if (basename(String(fileOf(args))) === target) die();
    return real.apply(this, args);
  };

if (point === 'open') crypto.createDecipheriv = atCall(crypto.createDecipheriv);
else if (point === 'seal') crypto.createCipheriv = atCall(crypto.createCipheriv);
else if (point === 'rename') fs.renameSync = atFile(fs.renameSync, (args) => args[1]);
else if (point === 'unlink') fs.unlinkSync = atFile(fs.unlinkSync, (args) => args[0]);
else throw new Error(`KILL_AT must be open:N, seal:N, rename:NAME or unlink:NAME, not ${process.env.KILL_AT}`);
// ESM named imports of node:crypto and node:fs see the replacements too.
syncBuiltinESMExports();
