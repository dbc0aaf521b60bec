/**
 * The pipeline every application command goes through, whichever edge it arrived at: known command,
 * guild-only, access, cooldown, run, and the answer. The work starts at once; if the answer is
 * ready within the edge's budget it is sent as the reply itself (one request), else the
 * interaction is deferred and the answer edited in when it comes. Refusals are private and never
 * reach the API; every error becomes a reply and one log line, never a crash, and nothing is
 * answered twice.
 */
import { performance } from 'node:perf_hooks';
import {
  MessageFlags,
  type APIEmbed,
  type APIModalInteractionResponseCallbackData,
  InteractionResponseType,
} from 'discord-api-types/v10';
import { isAdmin, mayRun } from '../core/access.js';
import type { ClearService } from '../core/clearing.js';
import type { GuildSettings, GuildRecords } from '../core/guilds.js';
import type { KeyService } from '../core/keys.js';
import { DamagedRecordError, StoreError } from '../core/errors.js';
import { type Translate, translate } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import type { Command, CommandContext, DiscordPort } from './command.js';
import { InputError } from './errors.js';
import type { CommandInput } from './input.js';
import type { AnswerMessage, Interaction } from './interaction.js';
import type { Outcome } from './outcome.js';
import {
  cooldown,
  damagedRecord,
  notAllowed,
  notUnderstood,
  optionsNotUnderstood,
  serversOnly,
  storeOutcomeUnknown,
  storeUnavailable,
  unexpectedError,
  unknownCommand,
} from './replies.js';

export type { AnswerMessage, Interaction, Transport } from './interaction.js';

/** How an interaction was acknowledged: reply, defer, expired (too late), failed (not delivered). */
export type Ack = 'reply' | 'defer' | 'expired' | 'failed';

/** One interaction, as counted for the host's metrics. */
export interface InteractionMeasure {
  command: string;
  outcome: Outcome;
  ack: Ack;
  /** Seconds from arrival to the first response (the reply itself, or a deferral). */
  ackSeconds: number | undefined;
  /** Seconds from arrival to the final answer being delivered. */
  replySeconds: number | undefined;
}

/** What happened to one interaction. */
export type Handled =
  /** The answer went out as the reply itself. */
  | { kind: 'answered'; outcome: Outcome }
  /** Deferred, then the answer edited in. */
  | { kind: 'deferred'; outcome: Outcome }
  /** The answer (or the deferral) could not be delivered; `expired` when Discord no longer took it. */
  | { kind: 'failed'; outcome: Outcome; expired: boolean };

export interface Services {
  guilds: GuildRecords;
  clears: ClearService;
  keys: KeyService;
  discord: DiscordPort;
  log: Logger;
  /** Told of every interaction answered (metrics). */
  observe?(measure: InteractionMeasure): void;
}

export interface Pipeline {
  /** Answers one application command; never rejects. */
  handle(interaction: Interaction): Promise<Handled>;
  /** Waits (at most timeoutMs) for the interactions in hand. */
  drain(timeoutMs: number): Promise<void>;
}

interface Answer {
  embeds: APIEmbed[];
  ephemeral: boolean;
  outcome: Outcome;
}

/** How a deferral sent from now on must look: private until the gates are passed, then the command's visibility. */
interface Deferral {
  ephemeral: boolean;
}

/** Past the gates: the answer on its way, and how a deferral sent while it is must look; or a form to open at once. */
type Decision =
  | { answer: Promise<Answer>; deferral: Deferral; modal?: never }
  | { modal: APIModalInteractionResponseCallbackData; outcome: Outcome };

/** Before the gates are passed, a deferral is private: a refusal is always private. */
const PRIVATE: Deferral = { ephemeral: true };

export function createPipeline(commands: Map<string, Command>, services: Services): Pipeline {
  const running = new Set<Promise<Handled>>();
  return {
    handle(interaction) {
      const task = answer(interaction, commands, services);
      running.add(task);
      void task.finally(() => running.delete(task));
      return task;
    },
    async drain(timeoutMs) {
      await within(Promise.allSettled([...running]), timeoutMs);
    },
  };
}

const message = (a: Answer): AnswerMessage => ({
  embeds: a.embeds,
  allowed_mentions: { parse: [] },
  ...(a.ephemeral ? { flags: MessageFlags.Ephemeral } : {}),
});

async function answer(interaction: Interaction, commands: Map<string, Command>, services: Services): Promise<Handled> {
  const { log } = services;
  const { input, transport, arrivedAt, logFields } = interaction;
  const name = commandName(input, commands);
  const line = {
    command: name,
    form: input.component?.kind === 'form' || undefined,
    sub: input.subcommand,
    guildId: input.guildId,
    userId: input.caller.id,
    ...logFields,
  };
  let outcome: Outcome = 'error';
  let ack: Ack = 'reply';
  let ackSeconds: number | undefined;
  let replySeconds: number | undefined;
  const since = () => (performance.now() - arrivedAt) / 1000;
  const left = () => transport.budgetMs - (performance.now() - arrivedAt);
  const defer = async (deferral: Deferral) => {
    ack = 'defer';
    await transport.respond({
      type: InteractionResponseType.DeferredChannelMessageWithSource,
      data: deferral.ephemeral ? { flags: MessageFlags.Ephemeral } : {},
    });
    ackSeconds = since();
  };
  try {
    const deciding = decide(input, interaction.ref.applicationId, commands, services);
    // Out of budget already (arrived late): what is decided without waiting still goes first, a form included.
    const decided = (await within(deciding, left())) ?? (await Promise.race([deciding, Promise.resolve(undefined)]));
    if (decided?.modal) {
      // Discord takes a modal only as the first response: it is never deferred.
      outcome = decided.outcome;
      await transport.respond({ type: InteractionResponseType.Modal, data: decided.modal });
      ackSeconds = replySeconds = since();
      return { kind: 'answered', outcome };
    }
    const ready = decided && (await within(decided.answer, left()));
    if (ready) {
      outcome = ready.outcome;
      await transport.respond({ type: InteractionResponseType.ChannelMessageWithSource, data: message(ready) });
      ackSeconds = replySeconds = since();
      return { kind: 'answered', outcome };
    }
    await defer(decided ? decided.deferral : PRIVATE);
    const settled = await deciding;
    // A form is decided before any store read, at once, so it never gets here; were it to, a form cannot follow a deferral.
    const late = settled.modal
      ? { embeds: [unexpectedError(translate(input.locale))], outcome: 'error' as const }
      : await settled.answer;
    outcome = late.outcome;
    // An edit keeps the deferral's visibility; the flags of the answer no longer apply.
    await transport.edit({ embeds: late.embeds, allowed_mentions: { parse: [] } });
    replySeconds = since();
    return { kind: 'deferred', outcome };
  } catch (error) {
    // Only the transport can throw here: the answer could not be delivered.
    const expired = (error as { code?: unknown }).code === 10062;
    ack = expired ? 'expired' : 'failed';
    log.warn(
      { ...line, err: error },
      expired ? 'interaction expired before the bot could answer' : 'could not deliver the answer',
    );
    return { kind: 'failed', outcome, expired };
  } finally {
    log.info({ ...line, outcome, ack, ms: Math.round(performance.now() - arrivedAt) }, 'interaction');
    services.observe?.({ command: name, outcome, ack, ackSeconds, replySeconds });
  }
}

/**
 * The policy, in order. Resolves once the gates are passed (or one refused) with the answer on its
 * way and how a deferral must look meanwhile; neither promise rejects.
 */
async function decide(
  input: CommandInput,
  applicationId: string,
  commands: Map<string, Command>,
  services: Services,
): Promise<Decision> {
  const t: Translate = translate(input.locale);
  const refuse = (embed: APIEmbed, outcome: Outcome): Decision => ({
    answer: Promise.resolve({ embeds: [embed], ephemeral: true, outcome }),
    deferral: PRIVATE,
  });
  const { component } = input;
  // A form counts only if a command declares its custom_id; no component is this bot's.
  const form = component?.kind === 'form' ? formOwner(component.customId, commands) : undefined;
  if (component && !form) return refuse(notUnderstood(t), 'not-understood');
  const command = form ? form.command : commands.get(input.name);
  if (!command) return refuse(unknownCommand(t, input.name), 'unknown-command');
  const name = command.data.name;
  const { guildId } = input;
  if (!guildId) return refuse(serversOnly(t, name), 'dm');
  if (command.access === 'admin' && !isAdmin(input.caller)) return refuse(notAllowed(t, name, 'admin'), 'refused');
  // Before any store read: a modal must be the first response.
  const modal = form ? undefined : command.modal?.({ ...input, guildId }, t);
  if (modal) return { modal, outcome: 'form-opened' };
  // Errors are classified here, once: what the caller reads, and what the host reads in the log.
  const failed = (error: unknown): Answer => {
    const line = { command: name, sub: input.subcommand, guildId, userId: input.caller.id, err: error };
    const refusal = (embed: APIEmbed, outcome: Outcome): Answer => ({ embeds: [embed], ephemeral: true, outcome });
    if (error instanceof InputError) return refusal(optionsNotUnderstood(t, name), 'invalid-input');
    if (error instanceof DamagedRecordError) {
      services.log.error({ ...line, record: error.key, reason: error.reason }, 'damaged record');
      return refusal(damagedRecord(t), 'damaged-record');
    }
    if (error instanceof StoreError) {
      services.log.error({ ...line, written: error.written }, 'store unavailable');
      return refusal(error.written === 'unknown' ? storeOutcomeUnknown(t, name) : storeUnavailable(t), 'store-error');
    }
    services.log.error(line, 'command failed');
    return refusal(unexpectedError(t), 'error');
  };
  try {
    let settings: GuildSettings;
    let storeUnavailable = false;
    try {
      settings = await services.guilds.settings(guildId);
    } catch (error) {
      // A command open to everyone (/help) still answers, and says the store is unavailable.
      if (command.access !== 'everyone' || !(error instanceof StoreError || error instanceof DamagedRecordError))
        throw error;
      services.log.warn({ command: name, guildId, err: error }, 'store unavailable; answering without it');
      settings = { roles: [], audit: [] };
      storeUnavailable = true;
    }
    if (command.access !== 'everyone' && !mayRun(command.access, input.caller, settings.roles)) {
      return refuse(notAllowed(t, name, command.access, settings.roles), 'refused');
    }
    const ctx: CommandContext = {
      settings,
      storeUnavailable,
      guilds: services.guilds,
      clears: services.clears,
      keys: services.keys,
      discord: services.discord,
      applicationId,
      t,
      log: services.log,
    };
    const until = await command.cooldownUntil?.(ctx);
    if (until !== undefined) return refuse(cooldown(t, name, until), 'cooldown');
    const ephemeral = command.visibility === 'ephemeral';
    const run = async (): Promise<Answer> => {
      const result =
        form && component
          ? await form.submit({ ...input, guildId, component }, ctx)
          : await command.execute({ ...input, guildId }, ctx);
      return { embeds: result.embeds, ephemeral: ephemeral || result.ephemeral === true, outcome: result.outcome };
    };
    return { answer: run().catch(failed), deferral: { ephemeral } };
  } catch (error) {
    return { answer: Promise.resolve(failed(error)), deferral: PRIVATE };
  }
}

/** The command that declares this form, and its handler; undefined for a custom_id no command declares. */
function formOwner(
  customId: string,
  commands: Map<string, Command>,
): { command: Command; submit: NonNullable<Command['forms']>[string] } | undefined {
  for (const command of commands.values()) {
    const submit = command.forms && Object.hasOwn(command.forms, customId) ? command.forms[customId] : undefined;
    if (submit) return { command, submit };
  }
  return undefined;
}

/** The name in log lines and metrics: the command, or the one that owns the submitted form; a custom_id is never logged. */
function commandName(input: CommandInput, commands: Map<string, Command>): string {
  const { component } = input;
  if (!component) return input.name;
  return (component.kind === 'form' && formOwner(component.customId, commands)?.command.data.name) || component.kind;
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
