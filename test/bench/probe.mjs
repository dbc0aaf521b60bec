// Loads what the reference bot loads, idles, and prints its RSS: run under `node` and under
// `node --import tsx`, the difference is what the tsx loader costs by itself (bench.ts).
import { readFileSync } from 'node:fs';
import '@keyv/sqlite';
import 'discord.js';
import 'keyv';

setTimeout(() => {
  const rss = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  console.log(`rss ${rss}`);
}, 1000);
