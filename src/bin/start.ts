/** `npm start`: the bot process (see bot.ts). */
import { runBot } from '../bot.js';
import { runEntry } from '../cli.js';

runEntry('bot', runBot);
