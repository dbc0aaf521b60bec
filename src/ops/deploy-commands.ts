/** npm run deploy-commands: registers the slash commands, globally or to DISCORD_GUILD_ID, and says where. */
import { type Config, loadConfig } from '../config.js';
import { StartupError, TOKEN_REFUSED } from '../errors.js';
import { deployCommands } from '../interactions/deploy.js';
import { parseArguments } from './arguments.js';

const USAGE = 'npm run deploy-commands (it takes no arguments: DISCORD_GUILD_ID in .env registers to one server)';
/** Discord's JSON error code for a resource the token may not touch. */
const MISSING_ACCESS = 50001;

export async function registerCommands(args: readonly string[] = []): Promise<void> {
  if (!parseArguments(args, { usage: USAGE })) return;
  const config = loadConfig();
  const result = await deployCommands(config).catch((error: unknown) => {
    throw refusal(error, config) ?? error;
  });
  const where =
    result.scope === 'global' ? 'globally (every server the bot is in)' : `to server ${result.scope.guildId}`;
  process.stdout.write(
    `Registered ${result.names.length} commands ${where} for application ${result.applicationId}: /${result.names.join(', /')}\n`,
  );
}

/**
 * What the operator must fix, as an expected error naming the variable, for the ways a registration
 * fails on the operator's side (as startBot does for a start); undefined for anything else.
 */
function refusal(error: unknown, config: Config): StartupError | undefined {
  const { status, code } = error as { status?: unknown; code?: unknown };
  if (status === 401) return new StartupError(TOKEN_REFUSED);
  if (status === 403 || code === MISSING_ACCESS) {
    if (config.discordGuildId)
      return new StartupError(
        `Discord refused to register commands in server DISCORD_GUILD_ID=${config.discordGuildId} (Missing Access): invite the bot there with the applications.commands scope (the invite URL the bot logs at start), or unset DISCORD_GUILD_ID to register globally`,
      );
    return new StartupError(
      `Discord refused to register commands for application DISCORD_CLIENT_ID=${config.discordClientId ?? '(asked from Discord)'} (Missing Access): set DISCORD_CLIENT_ID to the application id of the bot whose token is DISCORD_TOKEN, or unset it`,
    );
  }
  // No answer at all: a refused or reset connection, a name that does not resolve, a timeout.
  if (status === undefined && (/^(E[A-Z]+|UND_ERR_\w+)$/.test(String(code)) || (error as Error).name === 'AbortError'))
    return new StartupError(
      `could not reach Discord at DISCORD_API_URL=${config.discordApiUrl} (${String(code ?? 'timed out')}): check the network, and DISCORD_API_URL if you set it`,
    );
  return undefined;
}
