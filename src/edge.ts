/**
 * An edge: where interactions reach the bot (the discord.js gateway, or Discord's HTTP
 * interactions endpoint). Each owns its parsing (into one `Interaction` for the pipeline), its
 * transport, its start-up checks and its metrics hooks; the app composes whichever one
 * INTERACTIONS_MODE names through this interface, without knowing which.
 */
import type { API } from '@discordjs/core/http-only';
import type { Config } from './config.js';
import type { Handler } from './http/server.js';
import type { Pipeline } from './interactions/pipeline.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { Store } from './store/index.js';

export interface EdgeDeps {
  config: Config;
  pipeline: Pipeline;
  /** The bot's Discord REST client. */
  api: API;
  store: Store;
  log: Logger;
  /** Present when metrics are served: the edge reports what it sees. */
  metrics: Metrics | undefined;
  /** Told of every value typed into a form as soon as it is parsed: it never reaches a log line (the logger's SecretSet). */
  keepSecret(value: string): void;
  /** The edge failed for good (e.g. the gateway refused the token): the process should end. */
  onFatal(reason: string): void;
}

export interface EdgeReady {
  applicationId: string;
  /** What the ready line says about this edge (mode, shards or application name...). */
  fields: Record<string, unknown>;
}

export interface Edge {
  /** Routes this edge serves on the HTTP server (when there is one). */
  readonly routes: Record<string, Handler>;
  /** Connects and runs the edge's start-up checks; resolves when interactions are taken. */
  start(): Promise<EdgeReady>;
  /** Stops taking new interactions where the edge can refuse them; those in hand go on. */
  drain(): void;
  /** Closes the edge (after the pipeline has drained). */
  stop(): Promise<void>;
}

/** Each edge's module loads only when it is the one in use (the gateway's brings discord.js). */
const EDGES: Record<Config['interactionsMode'], () => Promise<{ createEdge(deps: EdgeDeps): Edge | Promise<Edge> }>> = {
  gateway: () => import('./gateway/gateway.js'),
  http: () => import('./http/edge.js'),
};

export async function createEdge(deps: EdgeDeps): Promise<Edge> {
  return (await EDGES[deps.config.interactionsMode]()).createEdge(deps);
}
