/**
 * The interaction half of the Discord stand-in: what happens after an INTERACTION_CREATE is sent.
 *
 *   const tracker = new InteractionTracker({ applicationId, botUser, callbackDeadlineMs, waits });
 *   const handle = tracker.track(payload, timeoutMs);    // before dispatching the payload
 *   tracker.callback(record, id, token)                  // POST /interactions/{id}/{token}/callback
 *   tracker.webhook(record, appId, token, messageId?)    // /webhooks/{app}/{token}[/messages/{id}]
 *
 * Rules kept as Discord keeps them: the first callback must come within `callbackDeadlineMs`
 * (3 s on Discord) or the interaction is unknown (10062); a second callback is 40060; webhook
 * routes work only once the interaction is acknowledged; the first follow-up after a deferral
 * fills the loading message instead of posting a new one.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  InteractionResponseType,
  MessageType,
  type APIChatInputApplicationCommandInteraction,
  type APIMessage,
  type APIUser,
} from 'discord.js';
import {
  buildMessage,
  makeSnowflake,
  MESSAGE_FLAG_EPHEMERAL,
  MESSAGE_FLAG_LOADING,
  type MessageBody,
  type UploadedFile,
} from './discord-payloads.js';
import { validateMessageData, validateModalData } from './discord-validation.js';
import type { Topic, Waits } from './wait.js';

export interface RecordedRequest {
  method: string;
  /** Full path, e.g. /api/v10/interactions/123/abc/callback. */
  path: string;
  /** The path after /api/v10, e.g. /interactions/123/abc/callback. */
  route: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON (or multipart payload_json); the text when not JSON; undefined when empty. */
  body: unknown;
  files: UploadedFile[];
  /** performance.now() when the request arrived. */
  at: number;
  /** The status the stand-in answered; 0 until answered. */
  status: number;
}

/** A REST answer: JSON when `body` is set, else no body and no content-type (Discord's 204). */
export interface RestAnswer {
  status: number;
  body?: unknown;
}

export const discordError = (status: number, code: number, message: string): RestAnswer => ({
  status,
  body: { message, code },
});

export interface VisibleReply {
  /** performance.now() when the answering request arrived. */
  at: number;
  kind: 'callback' | 'edit' | 'followup';
  /** The message payload the bot sent (callback `data`, PATCH or follow-up body). */
  body: MessageBody;
  message: APIMessage;
  request: RecordedRequest;
}

export interface InteractionHandle {
  id: string;
  token: string;
  /** performance.now() just before the INTERACTION_CREATE was written to the socket. */
  sentAt: number;
  payload: APIChatInputApplicationCommandInteraction;
  /** The first callback POST, once answered (look at `.status`: a refused one counts too). */
  callback: Promise<RecordedRequest>;
  /** The first answer a user would see: a type-4 callback, or the edit/follow-up after a type-5 defer. */
  reply(timeoutMs?: number): Promise<VisibleReply>;
  allRequests(): RecordedRequest[];
  /** The @original message as it stands (undefined before an answer or after deletion). */
  original(): APIMessage | undefined;
  /** Follow-up messages other than the one that filled a deferral. */
  followups(): APIMessage[];
  /** Resolves once the callback deadline has passed since the interaction was sent (by the clock the stand-in judges it with): a callback from then on is late. */
  deadlinePassed(): Promise<void>;
}

interface Tracked {
  payload: APIChatInputApplicationCommandInteraction;
  sentAt: number;
  topic: Topic;
  requests: RecordedRequest[];
  firstCallback?: RecordedRequest;
  ackType?: number;
  original?: APIMessage | undefined;
  followups: Map<string, APIMessage>;
  visible?: VisibleReply;
}

/** Message flags a bot may set when creating (ephemeral, suppress embeds/notifications, components v2). */
const CREATE_FLAGS = MESSAGE_FLAG_EPHEMERAL | (1 << 2) | (1 << 12) | (1 << 15);
/** Flags an edit may change: suppress embeds and components v2. */
const EDIT_FLAGS = (1 << 2) | (1 << 15);

function messageBodyOf(body: unknown): MessageBody {
  return typeof body === 'object' && body !== null ? (body as MessageBody) : {};
}

export class InteractionTracker {
  readonly #byId = new Map<string, Tracked>();
  readonly #byToken = new Map<string, Tracked>();

  constructor(
    private readonly opts: {
      applicationId: string;
      botUser: APIUser;
      callbackDeadlineMs: number;
      waits: Waits;
    },
  ) {}

  track(payload: APIChatInputApplicationCommandInteraction, timeoutMs: number): InteractionHandle {
    const tracked: Tracked = {
      payload,
      sentAt: Number.NaN,
      topic: this.opts.waits.topic(),
      requests: [],
      followups: new Map(),
    };
    this.#byId.set(payload.id, tracked);
    this.#byToken.set(payload.token, tracked);
    const waits = this.opts.waits;
    const data = payload.data as { name?: string; custom_id?: string };
    const label = `${data.name !== undefined ? `/${data.name}` : `form or component ${data.custom_id}`} (interaction ${payload.id})`;
    const seen = (): string =>
      `requests for it: ${JSON.stringify(tracked.requests.map((r) => `${r.method} ${r.route} -> ${r.status}`))}`;
    const callback = waits.until(
      tracked.topic,
      () => (tracked.firstCallback && tracked.firstCallback.status !== 0 ? tracked.firstCallback : undefined),
      timeoutMs,
      `interaction callback for ${label}`,
      seen,
    );
    // Marked handled so a test that never looks at `callback` gets no unhandled rejection.
    callback.catch(() => undefined);
    return {
      id: payload.id,
      token: payload.token,
      get sentAt() {
        return tracked.sentAt;
      },
      payload,
      callback,
      reply: (ms = timeoutMs) =>
        waits.until(tracked.topic, () => tracked.visible, ms, `visible reply for ${label}`, seen),
      allRequests: () => [...tracked.requests],
      original: () => tracked.original,
      followups: () => [...tracked.followups.values()],
      deadlinePassed: () => {
        const deadline = this.opts.callbackDeadlineMs;
        if (!Number.isFinite(deadline))
          return Promise.reject(
            new Error(`Discord stand-in: ${label} has no callback deadline (callbackDeadlineMs is ${deadline})`),
          );
        if (Number.isNaN(tracked.sentAt)) return Promise.reject(new Error(`Discord stand-in: ${label} was never sent`));
        // One millisecond past it: the rule is "later than the deadline", and timers may fire on the dot.
        const left = tracked.sentAt + deadline + 1 - performance.now();
        return new Promise((resolve) => setTimeout(resolve, Math.max(0, left)));
      },
    };
  }

  /** Called by the stand-in right before it writes the INTERACTION_CREATE. */
  markSent(id: string, at: number): void {
    const tracked = this.#byId.get(id);
    if (tracked) tracked.sentAt = at;
  }

  /** Wakes the waits of an interaction (by id or token) once a request's status is set. */
  answered(idOrToken: string): void {
    const tracked = this.#byId.get(idOrToken) ?? this.#byToken.get(idOrToken);
    if (tracked) this.opts.waits.notify(tracked.topic);
  }

  callback(record: RecordedRequest, id: string, token: string): RestAnswer {
    const tracked = this.#byId.get(id);
    if (!tracked || tracked.payload.token !== token) return discordError(404, 10062, 'Unknown interaction');
    tracked.requests.push(record);
    tracked.firstCallback ??= record;
    if (tracked.ackType !== undefined) {
      return discordError(400, 40060, 'Interaction has already been acknowledged.');
    }
    if (record.at - tracked.sentAt > this.opts.callbackDeadlineMs) {
      return discordError(404, 10062, 'Unknown interaction');
    }
    const body = messageBodyOf(record.body) as { type?: unknown; data?: unknown };
    const data = messageBodyOf(body.data);
    const type = body.type;
    if (type === InteractionResponseType.ChannelMessageWithSource) {
      const invalid = validateMessageData(data, true, record.files.length);
      if (invalid) return { status: 400, body: invalid };
      tracked.original = this.#message(tracked, data, record, (data.flags ?? 0) & CREATE_FLAGS);
      tracked.visible = { at: record.at, kind: 'callback', body: data, message: tracked.original, request: record };
    } else if (type === InteractionResponseType.DeferredChannelMessageWithSource) {
      const flags = MESSAGE_FLAG_LOADING | ((data.flags ?? 0) & MESSAGE_FLAG_EPHEMERAL);
      tracked.original = this.#message(tracked, {}, record, flags);
    } else if (type === InteractionResponseType.Modal) {
      // A form cannot answer a form: Discord takes a modal only for commands and components.
      if ((tracked.payload.type as number) === 5)
        return discordError(400, 40043, 'Interaction callback type is not valid for this interaction');
      const invalid = validateModalData(body.data);
      if (invalid) return { status: 400, body: invalid };
    } else {
      // Update/deferred-update belong to component interactions; Discord refuses them for commands.
      return discordError(400, 40043, 'Interaction callback type is not valid for this interaction');
    }
    tracked.ackType = type;
    if (record.query.with_response !== 'true') return { status: 204 };
    const message = tracked.original;
    return {
      status: 200,
      body: {
        interaction: {
          id,
          type: tracked.payload.type,
          response_message_id: message?.id,
          response_message_loading: type === InteractionResponseType.DeferredChannelMessageWithSource,
          response_message_ephemeral: ((message?.flags ?? 0) & MESSAGE_FLAG_EPHEMERAL) !== 0,
        },
        resource: { type, ...(message ? { message } : {}) },
      },
    };
  }

  webhook(record: RecordedRequest, appId: string, token: string, messageId?: string): RestAnswer {
    const tracked = this.#byToken.get(token);
    if (!tracked || appId !== this.opts.applicationId) return discordError(404, 10015, 'Unknown Webhook');
    tracked.requests.push(record);
    // The interaction webhook exists only once the interaction has been acknowledged.
    if (tracked.ackType === undefined) return discordError(404, 10015, 'Unknown Webhook');
    const body = messageBodyOf(record.body);

    if (messageId === undefined) {
      if (record.method !== 'POST') return discordError(405, 0, '405: Method Not Allowed');
      const invalid = validateMessageData(body, true, record.files.length);
      if (invalid) return { status: 400, body: invalid };
      if (
        tracked.ackType === InteractionResponseType.DeferredChannelMessageWithSource &&
        !tracked.visible &&
        tracked.original
      ) {
        // Discord turns the first follow-up after a deferral into the deferred message itself.
        tracked.original = this.#edit(tracked, body, record);
        tracked.visible = { at: record.at, kind: 'followup', body, message: tracked.original, request: record };
        return { status: 200, body: tracked.original };
      }
      const message = this.#message(tracked, body, record, (body.flags ?? 0) & CREATE_FLAGS, false);
      tracked.followups.set(message.id, message);
      return { status: 200, body: message };
    }

    const isOriginal = messageId === '@original' || messageId === tracked.original?.id;
    const current = isOriginal ? tracked.original : tracked.followups.get(messageId);
    if (!current) return discordError(404, 10008, 'Unknown Message');
    if (record.method === 'GET') return { status: 200, body: current };
    if (record.method === 'DELETE') {
      if (isOriginal) tracked.original = undefined;
      else tracked.followups.delete(messageId);
      return { status: 204 };
    }
    if (record.method !== 'PATCH') return discordError(405, 0, '405: Method Not Allowed');
    const invalid = validateMessageData(body, false, record.files.length);
    if (invalid) return { status: 400, body: invalid };
    const edited = this.#edit(tracked, body, record, current);
    if (!isOriginal) {
      tracked.followups.set(edited.id, edited);
      return { status: 200, body: edited };
    }
    tracked.original = edited;
    if (!tracked.visible) tracked.visible = { at: record.at, kind: 'edit', body, message: edited, request: record };
    return { status: 200, body: edited };
  }

  #message(
    tracked: Tracked,
    body: MessageBody,
    record: RecordedRequest,
    flags: number,
    original = true,
    previous?: APIMessage,
  ): APIMessage {
    const { payload } = tracked;
    return buildMessage({
      id: previous?.id ?? makeSnowflake(),
      channelId: payload.channel.id,
      author: this.opts.botUser,
      applicationId: this.opts.applicationId,
      interactionId: payload.id,
      invoker: payload.member?.user ?? payload.user ?? this.opts.botUser,
      commandName: payload.data.name,
      authorizingOwners: payload.authorizing_integration_owners,
      original,
      body,
      files: record.files,
      flags,
      ...(previous ? { previous } : {}),
    });
  }

  #edit(tracked: Tracked, body: MessageBody, record: RecordedRequest, previous = tracked.original): APIMessage {
    const before = previous?.flags ?? 0;
    // An edit keeps ephemerality, drops the loading state, and may toggle only EDIT_FLAGS.
    const flags = (before & ~MESSAGE_FLAG_LOADING & ~EDIT_FLAGS) | ((body.flags ?? before) & EDIT_FLAGS);
    const original = previous ? previous.type === MessageType.ChatInputCommand : true;
    return this.#message(tracked, body, record, flags, original, previous);
  }
}
