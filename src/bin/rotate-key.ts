/** npm run rotate-key -- --new <base64>: see ops/rotate-key.ts. */
import { runEntry } from '../cli.js';
import { rotateKey } from '../ops/rotate-key.js';

runEntry('rotate-key', () => rotateKey(process.argv.slice(2)));
