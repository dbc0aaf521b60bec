/**
 * The one road every interaction takes: known command, guild-only, access, cooldown, defer,
 * execute, reply, and one log line. Refusals are ephemeral and make no API call; every error
 * becomes a reply and a log line, never a crash.
 */
import { type ChatInputCommandInteraction, DiscordAPIError, DiscordjsTypeError, type EmbedBuilder, type Interaction, MessageFlags, RESTJSONErrorCodes } from 'discord.js';
import { type Member, isAdmin, mayRun, parsePermissions } from '../core/access.js';
import type { ClearService } from '../core/clearing.js';
import { type GuildSettings, type GuildStore, StoreError } from '../core/guilds.js';
import type { Logger } from '../logger.js';
import type { BotCommand, CommandContext } from './commands.js';
import { info, relative, storeUnavailable, unexpectedError, warning } from './replies.js';

export interface Services {
  guilds: GuildStore;
  clears: ClearService;
  log: Logger;
}

/** The settings read happens before the defer (a refusal must stay private); never let it eat the 3 s. */
const PRE_DEFER_BUDGET_MS = 1500;

export interface Dispatcher {
  handle(interaction: Interaction): Promise<void>;
  /** Waits (at most timeoutMs) for the interactions being handled. */
  drain(timeoutMs: number): Promise<void>;
}

export function createDispatcher(commands: Map<string, BotCommand>, services: Services): Dispatcher {
  const running = new Set<Promise<void>>();
  return {
    handle(interaction) {
      if (!interaction.isChatInputCommand()) return Promise.resolve(); // buttons, autocomplete: not ours
      const task = dispatch(interaction, commands, services);
      running.add(task);
      void task.finally(() => running.delete(task));
      return task;
    },
    async drain(timeoutMs) {
      await within(Promise.allSettled([...running]), timeoutMs);
    },
  };
}

function memberOf(interaction: ChatInputCommandInteraction): Member {
  const raw = interaction.member;
  const roles = raw?.roles;
  const roleIds = Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : roles ? [...roles.cache.keys()] : [];
  // Through parsePermissions either way: a negative or malformed bitfield grants nothing.
  const permissions = parsePermissions(interaction.memberPermissions?.bitfield ?? (raw as { permissions?: unknown } | null)?.permissions);
  return { permissions, roleIds };
}

function whoMay(command: BotCommand, settings: GuildSettings | undefined): string {
  const admins = 'server admins (Administrator or Manage Server)';
  if (command.access === 'admin') return `Only ${admins} can use \`/${command.data.name}\`.`;
  const granted = settings?.roles.length ? ` and members of ${settings.roles.map((id) => `<@&${id}>`).join(', ')}` : '';
  return `Only ${admins}${granted} can use \`/${command.data.name}\`. An admin can give a role access with \`/access grant\`.`;
}

async function dispatch(interaction: ChatInputCommandInteraction, commands: Map<string, BotCommand>, services: Services): Promise<void> {
  const started = performance.now();
  const sub = interaction.options.getSubcommand(false);
  const line = { command: interaction.commandName, sub: sub ?? undefined, guildId: interaction.guildId ?? undefined, userId: interaction.user.id };
  let outcome = 'error';
  let deferred = false;
  // Replies mention users and roles to name them, never to ping them.
  const send = async (embeds: EmbedBuilder[], ephemeral: boolean) => {
    if (deferred) await interaction.editReply({ embeds, allowedMentions: { parse: [] } });
    else await interaction.reply({ embeds, allowedMentions: { parse: [] }, flags: ephemeral ? MessageFlags.Ephemeral : undefined });
  };

  try {
    const command = commands.get(interaction.commandName);
    if (!command) {
      outcome = 'unknown-command';
      return await send([warning('Unknown command', `This bot has no \`/${interaction.commandName}\` any more. The bot's host should run \`npm run deploy-commands\` to refresh the list.`)], true);
    }
    const guildId = interaction.guildId;
    if (!guildId || !interaction.inGuild()) {
      outcome = 'dm';
      return await send([info('Servers only', `\`/${command.data.name}\` works inside a server, where the bot keeps that server's API key. Run it in a server channel.`)], true);
    }
    const member = memberOf(interaction);
    if (command.access === 'admin' && !isAdmin(member)) {
      outcome = 'refused';
      return await send([warning('Not allowed', whoMay(command, undefined))], true);
    }

    // An admin may run everything: no store read stands between them and the acknowledgement.
    // Anyone else needs the granted roles, read before deferring so that a refusal stays private.
    let settings: GuildSettings | undefined;
    if (!isAdmin(member)) {
      const load = services.guilds.settings(guildId);
      settings = await within(load, PRE_DEFER_BUDGET_MS);
      if (settings === undefined) {
        // The store is slow: acknowledge privately now rather than miss Discord's 3 s.
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        deferred = true;
        settings = await load;
      }
      if (!mayRun(command.access, member, settings.roles)) {
        outcome = 'refused';
        return await send([warning('Not allowed', whoMay(command, settings))], true);
      }
    }

    const until = command.cooldownUntil?.(guildId, services.clears);
    if (until !== undefined) {
      outcome = 'cooldown';
      return await send([info('Please wait', `\`/${command.data.name}\` ran in this server moments ago. The next one is possible ${relative(until)}.`)], true);
    }
    if (!deferred) {
      await interaction.deferReply({ flags: command.defer === 'ephemeral' ? MessageFlags.Ephemeral : undefined });
      deferred = true;
    }
    const ctx: CommandContext = {
      guildId,
      userId: interaction.user.id,
      settings: settings ?? (await services.guilds.settings(guildId)),
      guilds: services.guilds,
      clears: services.clears,
      log: services.log,
    };
    const result = await command.execute(interaction, ctx);
    outcome = result.outcome;
    await send(result.embeds, command.defer === 'ephemeral');
  } catch (error) {
    if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownInteraction) {
      outcome = 'expired';
      services.log.warn({ ...line, err: error }, 'interaction expired before the bot could answer');
      return;
    }
    // Options Discord would never send for our registered commands: a stale registration or a forged payload.
    const invalidInput = error instanceof DiscordjsTypeError && String(error.code).startsWith('CommandInteractionOption');
    outcome = invalidInput ? 'invalid-input' : error instanceof StoreError ? 'store-error' : 'error';
    if (!invalidInput) services.log.error({ ...line, err: error }, outcome === 'store-error' ? 'store unavailable' : 'command failed');
    const embed = invalidInput
      ? warning('Options not understood', `The options given to \`/${interaction.commandName}\` do not match this command. Check them and run it again.`)
      : outcome === 'store-error'
        ? storeUnavailable()
        : unexpectedError();
    await send([embed], true).catch((replyError: unknown) => services.log.warn({ ...line, err: replyError }, 'could not send the error reply'));
  } finally {
    services.log.info({ ...line, outcome, ms: Math.round(performance.now() - started) }, 'interaction');
  }
}

/** The value, or undefined if it takes longer than ms (the promise itself runs on). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
