/**
 * GET /metrics, after a scripted set of interactions through the real client and stand-ins: the
 * counts match what happened (successes, refusals, a cooldown, an API failure, a store error), the
 * bearer token rule holds, and no label carries a guild or user id.
 */
import type KeyvSqlite from '@keyv/sqlite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stringOption } from '../support/discord-standin.js';
import { embedOf, people } from '../support/people.js';
import { type InProcessRig, startInProcessRig } from '../support/rig.js';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
let rig: InProcessRig;

beforeAll(async () => {
  rig = await startInProcessRig({
    guilds: 3,
    env: { HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', METRICS_TOKEN, CLEARCACHE_COOLDOWN_S: '30' },
  });
});
afterAll(() => rig?.close());

const scrape = async (authorization?: string) => {
  const res = await fetch(
    `http://127.0.0.1:${rig.app.httpPort}/metrics`,
    authorization ? { headers: { authorization } } : {},
  );
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
};
/** The value of one series, e.g. sample(text, 'sdbot_interactions_total', { command: 'clearcache', outcome: 'ok' }); 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const [series = '', value] = line.split(' ');
    const [metric, rest = ''] = series.split('{');
    if (metric === name && wanted.every((w) => rest.includes(w))) return Number(value);
  }
  return 0;
}

it('counts interactions, API calls, cooldowns and store errors as they happened, with no id in any label', async () => {
  const [one, two, three] = rig.guildIds as [string, string, string];
  const a = people(rig.discord, one);
  const b = people(rig.discord, two);
  const setKey = (as: ReturnType<typeof people>, key: string) =>
    rig.run({ ...as.admin, command: 'apikey', subcommand: 'set', options: [stringOption('key', key)] });
  await setKey(a, 'metricsKeyOne0123456789');
  await setKey(b, 'metricsKeyTwo0123456789');
  rig.sd.setMode('success');
  expect(embedOf(await rig.run({ ...a.admin, command: 'clearcache' })).title).toBe('Cache cleared');
  expect(embedOf(await rig.run({ ...a.admin, command: 'clearcache' })).title).toBe('Please wait');
  expect(embedOf(await rig.run({ ...a.member, command: 'clearcache' })).title).toBe('Not allowed');
  rig.sd.setMode('no-credits');
  expect(embedOf(await rig.run({ ...b.admin, command: 'clearcache' })).title).toBe('Out of credits');
  // A store that refuses writes: the next change fails as a store error.
  const query = (sql: string) => (rig.app.store.keyv.store as KeyvSqlite).query(sql);
  await query('PRAGMA query_only = ON');
  try {
    expect(embedOf(await setKey(people(rig.discord, three), 'metricsKeyThree012345678')).title).toBe(
      'API key not saved',
    );
  } finally {
    await query('PRAGMA query_only = OFF');
  }

  const { status, text, type } = await scrape(`Bearer ${METRICS_TOKEN}`);
  expect(status).toBe(200);
  expect(type).toMatch(/^text\/plain/);
  expect(sample(text, 'sdbot_interactions_total', { command: 'clearcache', outcome: 'ok' })).toBe(1);
  expect(sample(text, 'sdbot_interactions_total', { command: 'clearcache', outcome: 'cooldown' })).toBe(1);
  expect(sample(text, 'sdbot_interactions_total', { command: 'clearcache', outcome: 'refused' })).toBe(1);
  expect(sample(text, 'sdbot_interactions_total', { command: 'clearcache', outcome: 'no-credits' })).toBe(1);
  expect(sample(text, 'sdbot_interactions_total', { command: 'apikey', outcome: 'ok' })).toBe(2);
  expect(sample(text, 'sdbot_interactions_total', { command: 'apikey', outcome: 'store-error' })).toBe(1);
  expect(sample(text, 'sdbot_cooldown_refusals_total', { command: 'clearcache' })).toBe(1);
  expect(sample(text, 'sdbot_api_calls_total', { outcome: 'ok' })).toBe(1);
  expect(sample(text, 'sdbot_api_calls_total', { outcome: 'no-credits' })).toBe(1);
  expect(sample(text, 'sdbot_api_call_seconds_count', { outcome: 'ok' })).toBe(1);
  expect(sample(text, 'sdbot_interaction_ack_seconds_count', { ack: 'reply' })).toBe(7);
  expect(sample(text, 'sdbot_interaction_reply_seconds_count', { command: 'clearcache' })).toBe(4);
  expect(sample(text, 'sdbot_store_errors_total', { operation: 'write' })).toBeGreaterThanOrEqual(1);
  expect(sample(text, 'sdbot_store_operation_seconds_count', { operation: 'read' })).toBeGreaterThan(5);
  expect(sample(text, 'sdbot_gateway_shard_up', { shard: '0' })).toBe(1);
  expect(text).toContain('process_cpu_user_seconds_total');
  // Every label value is from a fixed set: no snowflake (guild, user, role id) anywhere.
  const labels = [...text.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!).join(',');
  expect(labels).not.toMatch(/\d{15,}/);
  for (const id of [one, two, three, a.admin.userId]) expect(text).not.toContain(id);
});

it('needs the bearer token when METRICS_TOKEN is set', async () => {
  expect((await scrape()).status).toBe(401);
  expect((await scrape(`Bearer ${METRICS_TOKEN}x`)).status).toBe(401);
  expect((await scrape(`Basic ${METRICS_TOKEN}`)).status).toBe(401);
  expect((await scrape(`Bearer ${METRICS_TOKEN}`)).status).toBe(200);
});

it('in gateway mode, HTTP_PORT serves /livez, /readyz and /metrics, and no /interactions', async () => {
  const base = `http://127.0.0.1:${rig.app.httpPort}`;
  expect((await fetch(`${base}/livez`)).status).toBe(200);
  expect((await fetch(`${base}/readyz`)).status).toBe(200);
  expect((await fetch(`${base}/interactions`, { method: 'POST', body: '{}' })).status).toBe(404);
});
