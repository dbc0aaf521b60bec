/** npm run deploy-commands: registers the slash commands, globally or to DISCORD_GUILD_ID. */
import { deployCommands } from './interactions/deploy.js';
import { runEntry } from './cli.js';
import { loadConfig } from './config.js';

runEntry('deploy-commands', async () => {
  const result = await deployCommands(loadConfig());
  const where = result.scope === 'global' ? 'globally (every server the bot is in)' : `to server ${result.scope.guildId}`;
  process.stdout.write(`Registered ${result.names.length} commands ${where} for application ${result.applicationId}: /${result.names.join(', /')}\n`);
});
