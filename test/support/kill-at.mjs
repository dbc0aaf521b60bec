/**
 * Preloaded into a child process (node --import) to kill it with SIGKILL at an exact point, set by
 * KILL_AT: `open:N` at the Nth AES-GCM open, `seal:N` at the Nth seal, `rename:NAME` / `unlink:NAME`
 * just before a file named NAME is renamed into place or removed, `tcp:N` just after the Nth write
 * to a TCP socket has been handed to the kernel (a database query sent, its answer not yet read),
 * `stdout:TEXT` just after a write to stdout containing TEXT. Timing from outside cannot land
 * a kill between two steps a microsecond apart; this can, and the process dies as kill -9 does.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import { basename } from 'node:path';

const spec = process.env.KILL_AT ?? '';
// Split at the first colon only: the text of stdout:TEXT may hold colons of its own.
const colon = spec.indexOf(':');
const point = colon < 0 ? spec : spec.slice(0, colon);
const target = colon < 0 ? '' : spec.slice(colon + 1);

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
else if (point === 'tcp') {
  const write = net.Socket.prototype.write;
  let writes = 0;
  net.Socket.prototype.write = function (...args) {
    const result = write.apply(this, args);
    // TCP sockets only: a pipe (stdout, stderr) has no remote port.
    if (this.remotePort !== undefined && ++writes === Number(target)) die();
    return result;
  };
} else if (point === 'stdout') {
  const write = process.stdout.write.bind(process.stdout);
  // A pipe's writes are synchronous on Linux: the line is out before the process dies.
  process.stdout.write = (chunk, ...rest) => {
    const result = write(chunk, ...rest);
    if (String(chunk).includes(target)) die();
    return result;
  };
} else
  throw new Error(
    `KILL_AT must be open:N, seal:N, rename:NAME, unlink:NAME, tcp:N or stdout:TEXT, not ${process.env.KILL_AT}`,
  );
// ESM named imports of node:crypto and node:fs see the replacements too.
syncBuiltinESMExports();
