/**
 * The one value that crosses from an edge (the gateway, or the HTTP endpoint) to the pipeline: an
 * application command (or a submitted form, or a component), parsed once where it arrived, with how
 * its answer travels. An edge hands the pipeline nothing raw, and what cannot be parsed never reaches it.
 */
import type { APIEmbed, APIModalInteractionResponseCallbackData, InteractionResponseType } from 'discord-api-types/v10';
import type { Logger } from '../logger.js';
import { type CommandInput, type InteractionRef, parseInteraction } from './input.js';

/** The message an answer carries; mentions name people and roles, never ping them. */
export interface AnswerMessage {
  embeds: APIEmbed[];
  allowed_mentions: { parse: [] };
  flags?: number;
}

/** The first response to an interaction: the answer itself, a deferral (private or not), or a form to fill in. */
export type InitialResponse =
  | { type: InteractionResponseType.ChannelMessageWithSource; data: AnswerMessage }
  | { type: InteractionResponseType.Modal; data: APIModalInteractionResponseCallbackData }
  | { type: InteractionResponseType.DeferredChannelMessageWithSource; data: { flags?: number } };

/** How one interaction's answer travels: each edge implements it (a REST callback, an HTTP response). */
export interface Transport {
  /** How long the answer may take before the interaction is deferred, counted from its arrival. */
  readonly budgetMs: number;
  /** The first (and only) interaction response: the answer itself (type 4), a deferral (type 5), or a modal (type 9). */
  respond(response: InitialResponse): Promise<void>;
  /** After a deferral: the answer, as an edit of the original response. */
  edit(message: AnswerMessage): Promise<void>;
}

export interface Interaction {
  ref: InteractionRef;
  input: CommandInput;
  transport: Transport;
  /** performance.now() when it arrived: the answer budget counts from here. */
  arrivedAt: number;
  /** Added to its log lines (e.g. the gateway shard). */
  logFields: Record<string, unknown>;
}

export type Received = { kind: 'command'; interaction: Interaction } | { kind: 'not-understood'; reason: string };

export interface Arrival {
  /** The transport for this interaction, once its reference is known. */
  transport(ref: InteractionRef): Transport;
  arrivedAt: number;
  logFields?: Record<string, unknown>;
  /** Told of every value typed into a form as soon as it is parsed (the logger's SecretSet): the bot's one form takes the API key. */
  keepSecret?(value: string): void;
}

/**
 * Parses an application command, a submitted form or a component as Discord sent it. What is none
 * the bot understands is logged (a warning with the reason) and returned as such, for the edge to
 * answer or drop.
 */
export function receive(raw: unknown, arrival: Arrival, log: Logger): Received {
  const logFields = arrival.logFields ?? {};
  const parsed = parseInteraction(raw);
  if (parsed.ok) for (const value of parsed.input.component?.fields.values() ?? []) arrival.keepSecret?.(value);
  if (!parsed.ok) {
    log.warn({ ...logFields, reason: parsed.reason }, 'interaction not understood; ignored');
    return { kind: 'not-understood', reason: parsed.reason };
  }
  const { ref, input } = parsed;
  return {
    kind: 'command',
    interaction: { ref, input, transport: arrival.transport(ref), arrivedAt: arrival.arrivedAt, logFields },
  };
}
