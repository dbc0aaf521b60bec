/**
 * `POST /interactions`: Discord's HTTP edge. The signature is checked before the body is parsed as
 * JSON (401 for anything unsigned, badly signed or stale; 413 past 1 MiB; 400 for a signed body that
 * is not an interaction); a PING is answered `{"type":1}`; an application command is parsed once
 * into an `Interaction` and goes through the same pipeline as through the gateway, answering in the
 * HTTP response itself (the reply, a modal, or a deferral followed by an edit through REST), once
 * per interaction id (a replay gets 409). A submitted form takes the same road; a component gets a
 * private "not understood" from the pipeline; autocomplete is not this bot's: 400.
 */
import { performance } from 'node:perf_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { webcrypto } from 'node:crypto';
import type { API } from '@discordjs/core/http-only';
import { InteractionResponseType, InteractionType } from 'discord-api-types/v10';
import { editOriginal } from '../discord/rest.js';
import type { InteractionRef } from '../interactions/input.js';
import { type Transport, receive } from '../interactions/interaction.js';
import type { Pipeline } from '../interactions/pipeline.js';
import type { Logger } from '../logger.js';
import { type RequestContext, sendJson } from './server.js';
import type { ReplayGuard } from './replay.js';
import { throttledWarn } from './throttle.js';
import { signatureHeaders, verifySignature } from './verify.js';

/**
 * The answer is the HTTP response itself when ready this soon after the request arrived, else a
 * deferral: Discord waits 3 s for the response, and the answer needs no further request to travel.
 */
export const HTTP_ANSWER_BUDGET_MS = 2000;

export interface InteractionsEndpoint {
  publicKey: webcrypto.CryptoKey;
  pipeline: Pipeline;
  api: API;
  log: Logger;
  /** True once the bot drains: new interactions get 503. */
  draining(): boolean;
  replays: ReplayGuard;
  /** A repeat was refused (counted). */
  onReplay?(): void;
  /** Told of every value typed into a form as soon as it is parsed (the logger's SecretSet). */
  keepSecret?(value: string): void;
}

const UNHANDLED: Record<number, string> = {
  [InteractionType.ApplicationCommandAutocomplete]: 'autocomplete',
};
/** What goes through the pipeline: commands, submitted forms, and components (answered privately as not understood). */
const ANSWERED = new Set<unknown>([
  InteractionType.ApplicationCommand,
  InteractionType.ModalSubmit,
  InteractionType.MessageComponent,
]);

/** 401, and the connection closed: Discord never sends a bad signature, so a stream of them pays a connection each. */
function refuseUnsigned(res: ServerResponse): void {
  res.setHeader('connection', 'close');
  sendJson(res, 401, { error: 'invalid request signature' });
}

export function interactionsHandler(endpoint: InteractionsEndpoint) {
  const { log } = endpoint;
  const warnReplay = throttledWarn(
    log,
    'signed interactions received again (an id already answered): answered 409, nothing run; a captured request is being replayed',
  );
  return async (req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void> => {
    const signature = req.headers['x-signature-ed25519'];
    const timestamp = req.headers['x-signature-timestamp'];
    const headers = signatureHeaders(signature, timestamp);
    if (!headers.ok) {
      req.resume();
      return refuseUnsigned(res);
    }
    const read = await ctx.readBody();
    if (!read.ok) {
      // The rest of the body is not read: the connection cannot carry another request.
      res.setHeader('connection', 'close');
      return sendJson(res, read.status, {
        error: read.status === 413 ? 'body too large' : read.status === 503 ? 'busy' : 'bad request',
      });
    }
    const arrivedAt = performance.now();
    if (!(await verifySignature(endpoint.publicKey, signature as string, timestamp as string, read.body))) {
      return refuseUnsigned(res);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(read.body.toString('utf8'));
    } catch {
      return sendJson(res, 400, { error: 'the body is not JSON' });
    }
    const type = (raw as { type?: unknown } | null)?.type;
    if (type === InteractionType.Ping) return sendJson(res, 200, { type: InteractionResponseType.Pong });
    if (!ANSWERED.has(type)) {
      const what = typeof type === 'number' ? UNHANDLED[type] : undefined;
      log.warn(
        { type },
        what
          ? `an interaction of a kind this bot does not use (${what}); answered 400`
          : 'a signed request that is not an interaction; answered 400',
      );
      return sendJson(res, 400, { error: what ? `this bot does not handle ${what}` : 'not an interaction' });
    }
    if (endpoint.draining()) return sendJson(res, 503, { error: 'shutting down' });

    const transport = (ref: InteractionRef): Transport => ({
      budgetMs: HTTP_ANSWER_BUDGET_MS,
      async respond(response) {
        if (res.destroyed || res.headersSent) throw new Error('the HTTP request was closed before the answer');
        sendJson(res, 200, response);
      },
      edit: (message) => editOriginal(endpoint.api, ref, message),
    });
    const received = receive(
      raw,
      { transport, arrivedAt, ...(endpoint.keepSecret ? { keepSecret: endpoint.keepSecret } : {}) },
      log,
    );
    if (received.kind === 'not-understood')
      return sendJson(res, 400, { error: 'not an interaction the bot understands' });
    const { interaction } = received;
    // Discord sends each id once: a repeat is a replay, and gets nothing new (no command runs).
    if (!(await endpoint.replays.claim(interaction.ref.id, Number(timestamp)))) {
      endpoint.onReplay?.();
      warnReplay('replay');
      return sendJson(res, 409, { error: 'this interaction was already received' });
    }
    // Whatever happened, the answer (or the deferral) was this request's response, or the
    // request was gone before it could be: there is nothing left to send here.
    await endpoint.pipeline.handle(interaction);
  };
}
