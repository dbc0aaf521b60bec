/** npm run deploy-commands: see ops/deploy-commands.ts. */
import { runEntry } from '../cli.js';
import { registerCommands } from '../ops/deploy-commands.js';

runEntry('deploy-commands', () => registerCommands(process.argv.slice(2)));
