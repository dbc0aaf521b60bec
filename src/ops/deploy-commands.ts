/** npm run deploy-commands: registers the slash commands, globally or to DISCORD_GUILD_ID, and says where. */
import { loadConfig } from '../config.js';
import { deployCommands } from '../interactions/deploy.js';
import { parseArguments } from './arguments.js';

const USAGE = 'npm run deploy-commands (it takes no arguments: DISCORD_GUILD_ID in .env registers to one server)';

export async function registerCommands(args: readonly string[] = []): Promise<void> {
  if (!parseArguments(args, { usage: USAGE })) return;
  const result = await deployCommands(loadConfig());
  const where =
    result.scope === 'global' ? 'globally (every server the bot is in)' : `to server ${result.scope.guildId}`;
  process.stdout.write(
    `Registered ${result.names.length} commands ${where} for application ${result.applicationId}: /${result.names.join(', /')}\n`,
  );
}
