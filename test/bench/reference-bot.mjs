/**
 * The benchmark's reference: the /clearcache bot a beginner writes by following the discord.js
 * guide (https://discordjs.guide), in plain JavaScript as the guide writes it and run with plain
 * `node`: a Client with the Guilds intent and every default option and cache, a Collection of
 * commands, one InteractionCreate handler with the guide's error handling, Keyv + @keyv/sqlite
 * with their defaults for the per-server API keys (plain text, keyed by guild id), and `fetch` for
 * the API. Nothing here is tuned; that is the point of the comparison.
 *
 * Two ways to answer, chosen by REFERENCE_MODE (the two the guide teaches):
 *  - direct: `interaction.reply()` once the API has answered (one request, no deferral);
 *  - defer:  `interaction.deferReply()` first, then `interaction.editReply()` with the answer.
 *
 *   REFERENCE_MODE=direct DISCORD_TOKEN=... DISCORD_API_URL=http://127.0.0.1:PORT/api \
 *   SD_API_BASE_URL=http://.../api REFERENCE_DB=/tmp/x/keys.sqlite node test/bench/reference-bot.mjs
 *
 * Prints `Ready! Logged in as <tag> in <n> servers` once the client is ready. The benchmark fills
 * the key store before start (Keyv's default namespace, key = guild id, value = API key).
 */
import KeyvSqlite from '@keyv/sqlite';
import {
  Client,
  Collection,
  EmbedBuilder,
  Events,
  GatewayIntentBits,
  MessageFlags,
  SlashCommandBuilder,
} from 'discord.js';
import Keyv from 'keyv';

const {
  DISCORD_TOKEN,
  DISCORD_API_URL = 'https://discord.com/api',
  SD_API_BASE_URL = 'https://modelslab.com/api',
  REFERENCE_DB = 'keys.sqlite',
  REFERENCE_MODE = 'direct',
} = process.env;
if (REFERENCE_MODE !== 'direct' && REFERENCE_MODE !== 'defer')
  throw new Error('REFERENCE_MODE must be direct or defer');
const defer = REFERENCE_MODE === 'defer';

const keyv = new Keyv(new KeyvSqlite(`sqlite://${REFERENCE_DB}`));
keyv.on('error', (err) => console.error('Keyv connection error:', err));

const clearcache = {
  data: new SlashCommandBuilder().setName('clearcache').setDescription('Clear the Stable Diffusion API cache'),
  async execute(interaction) {
    if (defer) await interaction.deferReply();
    // The answer: the reply itself, or the edit of the deferred one.
    const answer = (options) => (defer ? interaction.editReply(options) : interaction.reply(options));
    const key = await keyv.get(interaction.guildId ?? '');
    if (!key) {
      await answer('No API key is set for this server.');
      return;
    }
    const res = await fetch(`${SD_API_BASE_URL}/v5/clear_cache`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ key }),
    });
    const data = await res.json();
    if (data.status === 'success') {
      const embed = new EmbedBuilder()
        .setColor(0x2ecc71)
        .setTitle('Cache cleared')
        .setDescription(data.message ?? 'Done');
      await answer({ embeds: [embed] });
    } else {
      const embed = new EmbedBuilder()
        .setColor(0xe74c3c)
        .setTitle('Error')
        .setDescription(String(data.message ?? 'Something went wrong'));
      await answer({ embeds: [embed] });
    }
  },
};

const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: DISCORD_API_URL } });
client.commands = new Collection();
client.commands.set(clearcache.data.name, clearcache);

client.once(Events.ClientReady, (readyClient) => {
  console.log(`Ready! Logged in as ${readyClient.user.tag} in ${readyClient.guilds.cache.size} servers`);
});

client.on(Events.InteractionCreate, async (interaction) => {
  if (!interaction.isChatInputCommand()) return;
  const command = interaction.client.commands.get(interaction.commandName);
  if (!command) {
    console.error(`No command matching ${interaction.commandName} was found.`);
    return;
  }
  try {
    await command.execute(interaction);
  } catch (error) {
    console.error(error);
    if (interaction.replied || interaction.deferred) {
      await interaction.followUp({
        content: 'There was an error while executing this command!',
        flags: MessageFlags.Ephemeral,
      });
    } else {
      await interaction.reply({
        content: 'There was an error while executing this command!',
        flags: MessageFlags.Ephemeral,
      });
    }
  }
});

client.login(DISCORD_TOKEN);
