/** npm run restore -- <file>: see ops/restore.ts. */
import { runEntry } from '../cli.js';
import { restore } from '../ops/restore.js';

runEntry('restore', () => restore(process.argv.slice(2)));
