/**
 * The one road every application command takes, whatever carried it in: known command,
 * guild-only, access, cooldown, run, and the answer. The work starts at once; if the answer is
 * ready within the way in's budget it is sent as the reply itself (one request), else the
 * interaction is deferred and the answer edited in when it comes. Refusals are private and never
 * reach the API; every error becomes a reply and one log line, never a crash, and nothing is
 * answered twice.
 */
import { performance } from 'node:perf_hooks';
import { MessageFlags, type APIEmbed, type APIInteractionResponse, InteractionResponseType } from 'discord-api-types/v10';
import { isAdmin, mayRun } from '../core/access.js';
import type { ClearService } from '../core/clearing.js';
import type { GuildSettings, GuildRecords } from '../core/guilds.js';
import { DamagedRecordError, StoreError } from '../core/errors.js';
import { type Translate, translate } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import type { Command, CommandContext, DiscordPort } from './command.js';
import { InputError } from './errors.js';
import { type CommandInput, parseCommand } from './input.js';
import { cooldown, damagedRecord, notAllowed, optionsNotUnderstood, serversOnly, storeOutcomeUnknown, storeUnavailable, unexpectedError, unknownCommand } from './replies.js';

/** One interaction, as counted for the host's metrics. */
export interface InteractionMeasure {
  command: string;
  outcome: string;
  /** How it was acknowledged: reply, defer, expired (too late), failed (not delivered). */
  ack: string;
  /** Seconds from arrival to the first response (the reply itself, or a deferral). */
  ackSeconds: number | undefined;
  /** Seconds from arrival to the final answer being delivered. */
  replySeconds: number | undefined;
}

export interface Services {
  guilds: GuildRecords;
  clears: ClearService;
  discord: DiscordPort;
  log: Logger;
  /** Told of every interaction answered (metrics). */
  observe?(measure: InteractionMeasure): void;
}

/** The message an answer carries; mentions name people and roles, never ping them. */
export interface AnswerMessage {
  embeds: APIEmbed[];
  allowed_mentions: { parse: [] };
  flags?: number;
}

/** How one interaction's answer travels: the way in implements it (a REST callback, an HTTP response). */
export interface Transport {
  /** How long the answer may take before the interaction is deferred, counted from its arrival. */
  readonly budgetMs: number;
  /** The first (and only) interaction response: the answer itself (type 4), or a deferral (type 5). */
  respond(response: APIInteractionResponse): Promise<void>;
  /** After a deferral: the answer, as an edit of the original response. */
  edit(message: AnswerMessage): Promise<void>;
}

export interface Road {
  /** Answers one application command interaction; never rejects. `via` goes into its log lines (e.g. the gateway shard). */
  handle(raw: unknown, transport: Transport, arrivedAt?: number, via?: Record<string, unknown>): Promise<void>;
  /** Waits (at most timeoutMs) for the interactions in hand. */
  drain(timeoutMs: number): Promise<void>;
}

interface Answer {
  embeds: APIEmbed[];
  ephemeral: boolean;
  outcome: string;
}

/** Set as the road passes each gate: what a deferral sent now should look like. */
interface Stage {
  ephemeral: boolean;
}

export function createRoad(commands: Map<string, Command>, services: Services): Road {
  const running = new Set<Promise<void>>();
  return {
    handle(raw, transport, arrivedAt = performance.now(), via = {}) {
      const task = answer(raw, transport, arrivedAt, via, commands, services);
      running.add(task);
      void task.finally(() => running.delete(task));
      return task;
    },
    async drain(timeoutMs) {
      await within(Promise.allSettled([...running]), timeoutMs);
    },
  };
}

const message = (a: Answer): AnswerMessage => ({ embeds: a.embeds, allowed_mentions: { parse: [] }, ...(a.ephemeral ? { flags: MessageFlags.Ephemeral } : {}) });

async function answer(raw: unknown, transport: Transport, arrivedAt: number, via: Record<string, unknown>, commands: Map<string, Command>, services: Services): Promise<void> {
  const { log } = services;
  const parsed = parseCommand(raw);
  if (!parsed.ok) {
    log.warn({ ...via, reason: parsed.reason }, 'interaction not understood; ignored');
    return;
  }
  const { input } = parsed;
  const line = { command: input.name, sub: input.subcommand, guildId: input.guildId, userId: input.caller.id, ...via };
  const stage: Stage = { ephemeral: true };
  let outcome = 'error';
  let ack = 'reply';
  let ackSeconds: number | undefined;
  let replySeconds: number | undefined;
  const since = () => (performance.now() - arrivedAt) / 1000;
  try {
    const work = decide(input, parsed.ref.applicationId, stage, commands, services);
    const ready = await within(work, transport.budgetMs - (performance.now() - arrivedAt));
    if (ready) {
      outcome = ready.outcome;
      await transport.respond({ type: InteractionResponseType.ChannelMessageWithSource, data: message(ready) });
      ackSeconds = replySeconds = since();
      return;
    }
    ack = 'defer';
    await transport.respond({ type: InteractionResponseType.DeferredChannelMessageWithSource, data: stage.ephemeral ? { flags: MessageFlags.Ephemeral } : {} });
    ackSeconds = since();
    const late = await work;
    outcome = late.outcome;
    // An edit keeps the deferral's visibility; the flags of the answer no longer apply.
    await transport.edit({ embeds: late.embeds, allowed_mentions: { parse: [] } });
    replySeconds = since();
  } catch (error) {
    // Only the transport can throw here: the answer could not be delivered.
    const expired = (error as { code?: unknown }).code === 10062;
    ack = expired ? 'expired' : 'failed';
    log.warn({ ...line, err: error }, expired ? 'interaction expired before the bot could answer' : 'could not deliver the answer');
  } finally {
    log.info({ ...line, outcome, ack, ms: Math.round(performance.now() - arrivedAt) }, 'interaction');
    services.observe?.({ command: input.name, outcome, ack, ackSeconds, replySeconds });
  }
}

/** The policy, in order; resolves with the answer, never rejects. */
async function decide(input: CommandInput, applicationId: string, stage: Stage, commands: Map<string, Command>, services: Services): Promise<Answer> {
  const refuse = (embed: APIEmbed, outcome: string): Answer => ({ embeds: [embed], ephemeral: true, outcome });
  const t: Translate = translate(input.locale);
  const command = commands.get(input.name);
  if (!command) return refuse(unknownCommand(t, input.name), 'unknown-command');
  const { guildId } = input;
  if (!guildId) return refuse(serversOnly(t, input.name), 'dm');
  if (command.access === 'admin' && !isAdmin(input.caller)) return refuse(notAllowed(t, input.name, 'admin'), 'refused');
  try {
    let settings: GuildSettings;
    let storeUnavailable = false;
    try {
      settings = await services.guilds.settings(guildId);
    } catch (error) {
      // A command open to everyone (/help) still answers, and says the store is unavailable.
      if (command.access !== 'everyone' || !(error instanceof StoreError || error instanceof DamagedRecordError)) throw error;
      services.log.warn({ command: input.name, guildId, err: error }, 'store unavailable; answering without it');
      settings = { roles: [], audit: [] };
      storeUnavailable = true;
    }
    if (command.access !== 'everyone' && !mayRun(command.access, input.caller, settings.roles)) {
      return refuse(notAllowed(t, input.name, command.access, settings.roles), 'refused');
    }
    const ctx: CommandContext = { settings, storeUnavailable, guilds: services.guilds, clears: services.clears, discord: services.discord, applicationId, t, log: services.log };
    const until = await command.cooldownUntil?.(ctx);
    if (until !== undefined) return refuse(cooldown(t, input.name, until), 'cooldown');
    stage.ephemeral = command.visibility === 'ephemeral';
    const result = await command.execute({ ...input, guildId }, ctx);
    return { embeds: result.embeds, ephemeral: stage.ephemeral || result.ephemeral === true, outcome: result.outcome };
  } catch (error) {
    // Errors are classified here, once: what the caller reads, and what the host reads in the log.
    const line = { command: input.name, sub: input.subcommand, guildId, userId: input.caller.id, err: error };
    if (error instanceof InputError) return refuse(optionsNotUnderstood(t, input.name), 'invalid-input');
    if (error instanceof DamagedRecordError) {
      services.log.error({ ...line, record: error.key, reason: error.reason }, 'damaged record');
      return refuse(damagedRecord(t), 'damaged-record');
    }
    if (error instanceof StoreError) {
      services.log.error({ ...line, written: error.written }, 'store unavailable');
      return refuse(error.written === 'unknown' ? storeOutcomeUnknown(t, input.name) : storeUnavailable(t), 'store-error');
    }
    services.log.error(line, 'command failed');
    return refuse(unexpectedError(t), 'error');
  }
}

/** The value, or undefined if it takes longer than ms (the promise itself runs on). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  if (ms <= 0) return undefined;
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
