/**
 * The one value that crosses from an edge (the gateway, or the HTTP endpoint) to the pipeline: an
 * application command, parsed once where it arrived, with how its answer travels. An edge hands
 * the pipeline nothing raw, and what cannot be parsed never reaches it.
 */
import type { APIEmbed, InteractionResponseType } from 'discord-api-types/v10';
import type { Logger } from '../logger.js';
import { type CommandInput, type InteractionRef, parseCommand } from './input.js';

/** The message an answer carries; mentions name people and roles, never ping them. */
export interface AnswerMessage {
  embeds: APIEmbed[];
  allowed_mentions: { parse: [] };
  flags?: number;
}

/** The first response to an interaction: the answer itself, or a deferral (private or not). */
export type InitialResponse =
  | { type: InteractionResponseType.ChannelMessageWithSource; data: AnswerMessage }
  | { type: InteractionResponseType.DeferredChannelMessageWithSource; data: { flags?: number } };

/** How one interaction's answer travels: each edge implements it (a REST callback, an HTTP response). */
export interface Transport {
  /** How long the answer may take before the interaction is deferred, counted from its arrival. */
  readonly budgetMs: number;
  /** The first (and only) interaction response: the answer itself (type 4), or a deferral (type 5). */
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

export type Received = { kind: 'command'; interaction: Interaction } | { kind: 'not-a-command'; reason: string };

export interface Arrival {
  /** The transport for this interaction, once its reference is known. */
  transport(ref: InteractionRef): Transport;
  arrivedAt: number;
  logFields?: Record<string, unknown>;
}

/**
 * Parses an application command as Discord sent it. What is not one the bot understands is logged
 * (a warning with the reason) and returned as such, for the edge to answer or drop.
 */
export function receive(raw: unknown, arrival: Arrival, log: Logger): Received {
  const logFields = arrival.logFields ?? {};
  const parsed = parseCommand(raw);
  if (!parsed.ok) {
    log.warn({ ...logFields, reason: parsed.reason }, 'interaction not understood; ignored');
    return { kind: 'not-a-command', reason: parsed.reason };
  }
  const { ref, input } = parsed;
  return { kind: 'command', interaction: { ref, input, transport: arrival.transport(ref), arrivedAt: arrival.arrivedAt, logFields } };
}
