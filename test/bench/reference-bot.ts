/**
 * The benchmark's reference: the /clearcache bot a beginner writes by following the discord.js
 * guide (https://discordjs.guide): a Client with the Guilds intent and every default option and
 * cache, a Collection of commands, one InteractionCreate handler, Keyv + @keyv/sqlite with their
 * defaults for the per-server API keys (plain text, keyed by guild id), and `fetch` for the API.
 * Nothing here is tuned; that is the point of the comparison.
 *
 *   DISCORD_TOKEN=... DISCORD_API_URL=http://127.0.0.1:PORT/api SD_API_BASE_URL=http://.../api \
 *   REFERENCE_DB=/tmp/x/keys.sqlite node --import tsx test/bench/reference-bot.ts
 *
 * Prints `Ready! Logged in as <tag> in <n> servers` once the client is ready. The benchmark fills the key store
 * before start (Keyv's default namespace, key = guild id, value = API key).
 */
import KeyvSqlite from '@keyv/sqlite';
import {
  type ChatInputCommandInteraction,
  Client,
  Collection,
  EmbedBuilder,
  Events,
  GatewayIntentBits,
  MessageFlags,
  SlashCommandBuilder,
} from 'discord.js';
import Keyv from 'keyv';

const { DISCORD_TOKEN, DISCORD_API_URL = 'https://discord.com/api', SD_API_BASE_URL = 'https://modelslab.com/api', REFERENCE_DB = 'keys.sqlite' } = process.env;

const keyv = new Keyv(new KeyvSqlite(`sqlite://${REFERENCE_DB}`));
keyv.on('error', (err) => console.error('Keyv connection error:', err));

interface Command {
  data: SlashCommandBuilder;
  execute(interaction: ChatInputCommandInteraction): Promise<void>;
}

const clearcache: Command = {
  data: new SlashCommandBuilder().setName('clearcache').setDescription('Clear the Stable Diffusion API cache'),
  async execute(interaction) {
    await interaction.deferReply();
    const key = await keyv.get<string>(interaction.guildId ?? '');
    if (!key) {
      await interaction.editReply('No API key is set for this server.');
      return;
    }
    const res = await fetch(`${SD_API_BASE_URL}/v5/clear_cache`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ key }),
    });
    const data = (await res.json()) as { status?: string; message?: string };
    if (data.status === 'success') {
      const embed = new EmbedBuilder().setColor(0x2ecc71).setTitle('Cache cleared').setDescription(data.message ?? 'Done');
      await interaction.editReply({ embeds: [embed] });
    } else {
      const embed = new EmbedBuilder().setColor(0xe74c3c).setTitle('Error').setDescription(String(data.message ?? 'Something went wrong'));
      await interaction.editReply({ embeds: [embed] });
    }
  },
};

const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: DISCORD_API_URL } });
const commands = new Collection<string, Command>();
commands.set(clearcache.data.name, clearcache);

client.once(Events.ClientReady, (readyClient) => {
  console.log(`Ready! Logged in as ${readyClient.user.tag} in ${readyClient.guilds.cache.size} servers`);
});

client.on(Events.InteractionCreate, async (interaction) => {
  if (!interaction.isChatInputCommand()) return;
  const command = commands.get(interaction.commandName);
  if (!command) {
    console.error(`No command matching ${interaction.commandName} was found.`);
    return;
  }
  try {
    await command.execute(interaction);
  } catch (error) {
    console.error(error);
    if (interaction.replied || interaction.deferred) {
      await interaction.followUp({ content: 'There was an error while executing this command!', flags: MessageFlags.Ephemeral });
    } else {
      await interaction.reply({ content: 'There was an error while executing this command!', flags: MessageFlags.Ephemeral });
    }
  }
});

client.login(DISCORD_TOKEN);
