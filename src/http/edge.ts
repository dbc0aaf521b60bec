/**
 * Discord's HTTP interactions endpoint as the app's edge: the `POST /interactions` route, its
 * replay guard, its metrics hooks, and its start-up check (one REST call: the token works, and
 * DISCORD_PUBLIC_KEY is this application's). Until started, and once draining, it answers 503.
 */
import { StartupError } from '../errors.js';
import type { Edge, EdgeDeps } from '../edge.js';
import { interactionsHandler } from './interactions.js';
import { createReplayGuard } from './replay.js';
import { publicKeyFromHex } from './verify.js';

export async function createEdge({ config, pipeline, api, store, log, metrics, keepSecret }: EdgeDeps): Promise<Edge> {
  const publicKey = await publicKeyFromHex(config.discordPublicKey!);
  const replays = createReplayGuard({ store, log });
  let accepting = false;
  return {
    routes: {
      'POST /interactions': interactionsHandler({
        publicKey,
        pipeline,
        api,
        log,
        draining: () => !accepting,
        replays,
        keepSecret,
        ...(metrics ? { onReplay: () => metrics.replay() } : {}),
      }),
    },
    async start() {
      const application = await api.applications.getCurrent();
      if (application.verify_key.toLowerCase() !== config.discordPublicKey) {
        throw new StartupError(
          `DISCORD_PUBLIC_KEY is not the public key of the application this DISCORD_TOKEN belongs to (${application.name}): copy it from Developer Portal > General Information`,
        );
      }
      accepting = true;
      return { applicationId: application.id, fields: { mode: 'http', application: application.name } };
    },
    drain() {
      accepting = false;
    },
    async stop() {
      accepting = false;
      replays.stop();
    },
  };
}
