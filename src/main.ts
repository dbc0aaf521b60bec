/**
 * The bot's entry before it moved to bin/start.ts, kept so that a systemd unit or pm2 line written
 * for an earlier version (`node dist/src/main.js`) starts the current bot rather than a stale file.
 */
import './bin/start.js';
