/**
 * The gateway edge: the discord.js Client (no intents, no caches) takes every application command,
 * submitted form and component as Discord sent it (the raw dispatch, no discord.js interaction object), parses it once into an
 * `Interaction` for the pipeline, and answers through REST. Fatal gateway closes (a refused token,
 * disallowed intents...) stop the process with a line naming the cause, so a supervisor sees a
 * failure rather than a clean exit.
 */
import { performance } from 'node:perf_hooks';
import { type Client, Events, GatewayCloseCodes, GatewayDispatchEvents } from 'discord.js';
import type { Config } from '../config.js';
import { discordApi, restTransport } from '../discord/rest.js';
import type { Edge, EdgeDeps } from '../edge.js';
import { receive } from '../interactions/interaction.js';
import type { Pipeline } from '../interactions/pipeline.js';
import type { Logger } from '../logger.js';
import { createClient } from './client.js';

/**
 * The answer goes out as the reply itself when ready this soon after arrival, else a deferral.
 * Discord drops an interaction not acknowledged within 3 s of sending it; the gateway's delivery
 * and the callback's trip back both come out of that, and a host under load adds to them. 1.2 s
 * leaves 1.8 s for those (under heavy load in the benchmark they took up to 1 s), and answers most
 * commands, whose work takes well under a second, in one request.
 */
export const GATEWAY_ANSWER_BUDGET_MS = 1200;

export interface Gateway {
  client: Client;
  /** Logs in; resolves when every shard this process runs is ready. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The shards this process runs and the total across all processes; with SHARD_COUNT=auto, known once started. */
  shards(): { ids: number[]; count: number | 'auto' };
}

/** What a fatal close code means for the person hosting the bot. */
export function fatalCloseReason(code: number): string {
  switch (code) {
    case GatewayCloseCodes.AuthenticationFailed:
      return 'DISCORD_TOKEN was refused by the gateway (close code 4004): copy a fresh token from the Developer Portal (Bot > Reset Token)';
    case GatewayCloseCodes.DisallowedIntents:
    case GatewayCloseCodes.InvalidIntents:
      return `the gateway refused the intents (close code ${code}); this bot asks for none, so check that it runs unmodified`;
    case GatewayCloseCodes.ShardingRequired:
      return 'Discord requires more shards for this bot (close code 4011): set SHARD_COUNT=auto, or a larger SHARD_COUNT (about one shard per 1,000 servers) in every process';
    case GatewayCloseCodes.InvalidShard:
      return 'the gateway refused the shard (close code 4010): check SHARD_COUNT and SHARD_IDS (every id below SHARD_COUNT)';
    default:
      return `the gateway closed the session for good (close code ${code})`;
  }
}

export function createGateway(
  config: Config,
  pipeline: Pipeline,
  log: Logger,
  onFatal: (reason: string) => void,
  onShard: (shard: number, up: boolean) => void = () => undefined,
  keepSecret: (value: string) => void = () => undefined,
): Gateway {
  const client = createClient(config);
  // The client's own REST queue answers, so the bot holds one connection pool to Discord.
  const api = discordApi(client.rest);
  const shards = (): { ids: number[]; count: number | 'auto' } => {
    const { shards: ids, shardCount } = client.options;
    // Before login with SHARD_COUNT=auto discord.js still holds 'auto'; it resolves both at login.
    if (!Array.isArray(ids)) return { ids: [], count: 'auto' };
    return { ids: [...(ids as number[])], count: shardCount ?? 1 };
  };
  client.ws.on(GatewayDispatchEvents.InteractionCreate, (data: { type?: unknown }, shard: number) => {
    const arrivedAt = performance.now();
    // Commands, submitted forms, and components (answered privately that they are not understood); autocomplete is not registered.
    if (data.type !== 2 && data.type !== 3 && data.type !== 5) return;
    const received = receive(
      data,
      {
        transport: (ref) => restTransport(api, ref, GATEWAY_ANSWER_BUDGET_MS),
        arrivedAt,
        logFields: { shard },
        keepSecret,
      },
      log,
    );
    // What cannot be parsed was logged; through the gateway there is no one to answer it to.
    if (received.kind === 'command') void pipeline.handle(received.interaction);
  });
  client.on(Events.ShardReady, (shard) => {
    onShard(shard, true);
    log.info({ shard, shardCount: shards().count }, 'gateway shard ready');
  });
  client.on(Events.ShardDisconnect, (event, shard) => {
    onShard(shard, false);
    log.error({ shard, code: event.code }, 'gateway closed for good');
    onFatal(fatalCloseReason(event.code));
  });
  client.on(Events.ShardReconnecting, (shard) => {
    onShard(shard, false);
    log.info({ shard }, 'gateway reconnecting');
  });
  client.on(Events.ShardResume, (shard, replayed) => {
    onShard(shard, true);
    log.info({ shard, replayed }, 'gateway resumed');
  });
  client.on(Events.ShardError, (err, shard) => log.warn({ shard, err }, 'gateway error'));
  client.on(Events.Error, (err) => log.error({ err }, 'client error'));
  client.on(Events.Warn, (message) => log.warn({ message }, 'client warning'));

  return {
    client,
    async start() {
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(config.discordToken);
      await ready;
    },
    async stop() {
      await client.destroy();
    },
    shards,
  };
}

/** The gateway as the app's edge: ready once every shard is, its shard state in the metrics. */
export function createEdge({ config, pipeline, log, metrics, onFatal, keepSecret }: EdgeDeps): Edge {
  const gateway = createGateway(config, pipeline, log, onFatal, (shard, up) => metrics?.shard(shard, up), keepSecret);
  return {
    routes: {},
    async start() {
      await gateway.start();
      const { client } = gateway;
      const shards = gateway.shards();
      // The shards this process runs, of how many in all: with SHARD_IDS, other processes run the rest.
      return {
        applicationId: client.application!.id,
        fields: {
          mode: 'gateway',
          user: client.user?.tag,
          guilds: client.guilds.cache.size,
          shards: shards.ids,
          shardCount: shards.count,
        },
      };
    },
    // An interaction that arrives while draining is still answered: Discord would show it failed otherwise.
    drain() {},
    stop: () => gateway.stop(),
  };
}
