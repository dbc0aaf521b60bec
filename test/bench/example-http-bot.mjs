/**
 * The benchmark's HTTP reference: the /clearcache bot a beginner writes from Discord's own example
 * app (the "getting started" app: express, and `verifyKeyMiddleware` from `discord-interactions`
 * on `POST /interactions`), in plain JavaScript and run with plain `node`. It answers in the HTTP
 * response itself, `res.send({ type: 4, data })`, once the API call (`fetch`) has returned, and
 * keeps the per-server API keys in Keyv + @keyv/sqlite with their defaults (plain text, keyed by
 * guild id), as the discord.js-guide bots of reference-bot.mjs do. Nothing here is tuned; that is
 * the point of the comparison. Its one addition to the example: a try/catch that answers an
 * ephemeral error, as the guide's error handling does (the example has none, and an exception in
 * an express 4 async handler would leave the request unanswered).
 *
 *   PUBLIC_KEY=<hex> PORT=0 SD_API_BASE_URL=http://.../api REFERENCE_DB=/tmp/x/keys.sqlite \
 *   node test/bench/example-http-bot.mjs
 *
 * Prints `Listening on port <n>` once it listens (PORT=0: the port the system chose). HOST
 * defaults to 127.0.0.1 (the example listens on every interface; the benchmark stays on loopback).
 */
import KeyvSqlite from '@keyv/sqlite';
import {
  InteractionResponseFlags,
  InteractionResponseType,
  InteractionType,
  verifyKeyMiddleware,
} from 'discord-interactions';
import express from 'express';
import Keyv from 'keyv';

const {
  PUBLIC_KEY,
  PORT = '3000',
  HOST = '127.0.0.1',
  SD_API_BASE_URL = 'https://modelslab.com/api',
  REFERENCE_DB = 'keys.sqlite',
} = process.env;

const keyv = new Keyv(new KeyvSqlite(`sqlite://${REFERENCE_DB}`));
keyv.on('error', (err) => console.error('Keyv connection error:', err));

const app = express();

async function clearcache(guildId) {
  const key = await keyv.get(guildId ?? '');
  if (!key) return { content: 'No API key is set for this server.' };
  const res = await fetch(`${SD_API_BASE_URL}/v5/clear_cache`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ key }),
  });
  const data = await res.json();
  if (data.status === 'success') {
    return { embeds: [{ color: 0x2ecc71, title: 'Cache cleared', description: data.message ?? 'Done' }] };
  }
  return { embeds: [{ color: 0xe74c3c, title: 'Error', description: String(data.message ?? 'Something went wrong') }] };
}

// Discord POSTs every interaction here; the middleware checks the signature and parses the body.
app.post('/interactions', verifyKeyMiddleware(PUBLIC_KEY), async (req, res) => {
  const { type, data, guild_id } = req.body;

  if (type === InteractionType.PING) {
    return res.send({ type: InteractionResponseType.PONG });
  }

  if (type === InteractionType.APPLICATION_COMMAND) {
    const { name } = data;

    if (name === 'clearcache') {
      try {
        return res.send({
          type: InteractionResponseType.CHANNEL_MESSAGE_WITH_SOURCE,
          data: await clearcache(guild_id),
        });
      } catch (error) {
        console.error(error);
        return res.send({
          type: InteractionResponseType.CHANNEL_MESSAGE_WITH_SOURCE,
          data: {
            content: 'There was an error while executing this command!',
            flags: InteractionResponseFlags.EPHEMERAL,
          },
        });
      }
    }

    console.error(`unknown command: ${name}`);
    return res.status(400).json({ error: 'unknown command' });
  }

  console.error('unknown interaction type', type);
  return res.status(400).json({ error: 'unknown interaction type' });
});

const server = app.listen(Number(PORT), HOST, () => {
  console.log('Listening on port', server.address().port);
});
