/** npm run backup -- <file>: see ops/backup.ts. */
import { runEntry } from '../cli.js';
import { backup } from '../ops/backup.js';

runEntry('backup', () => backup(process.argv.slice(2)));
