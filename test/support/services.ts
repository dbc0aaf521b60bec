/**
 * The services a pipeline runs with in tests, built as the app builds them: the guild records,
 * clears and key checks over a real store, and a logger whose lines are collected parsed.
 *
 *   const services = pipelineServices(store, { logs });
 *   const pipeline = createPipeline(commands, services);
 */
import { randomBytes } from 'node:crypto';
import { ClearService } from '../../src/core/clearing.js';
import { GuildRecords } from '../../src/core/guilds.js';
import { KeyService } from '../../src/core/keys.js';
import type { RecordStore } from '../../src/core/records.js';
import { createSdApi } from '../../src/core/sdapi.js';
import { createSealer } from '../../src/core/seal.js';
import type { Services } from '../../src/interactions/pipeline.js';
import { type Logger, SecretSet, createLogger } from '../../src/logger.js';
import type { Store } from '../../src/store/index.js';
import type { LogLine } from './bot-process.js';

/** An address where nothing listens: an API call fails at once as a network error. */
const NO_API = 'http://127.0.0.1:9';

export interface ServiceOptions {
  /** Every log line, parsed, is pushed here. */
  logs: LogLine[];
  secrets?: SecretSet;
  /** The API clears call (default: none listening); key checks always get none. */
  sdApiBaseUrl?: string;
  apiTimeoutMs?: number;
  /** What the guild records read and write through, when not the store itself (a wrapper that interferes). */
  records?: RecordStore;
  /** The role ids Discord says a guild has. */
  roleIds?: string[];
}

export function pipelineServices(
  store: Store,
  {
    logs,
    secrets = new SecretSet(),
    sdApiBaseUrl = NO_API,
    apiTimeoutMs = 500,
    records = store,
    roleIds = [],
  }: ServiceOptions,
): Services & { log: Logger } {
  const guilds = new GuildRecords(records, createSealer(randomBytes(32)));
  const log = createLogger({
    level: 'info',
    format: 'json',
    secrets,
    destination: { write: (l: string) => void logs.push(JSON.parse(l) as LogLine) },
  });
  const clears = new ClearService({
    api: createSdApi({ baseUrl: sdApiBaseUrl, timeoutMs: apiTimeoutMs }),
    guilds,
    cooldownS: 0,
    apiTimeoutMs,
    storeDeadlineMs: store.deadlineMs,
  });
  const keys = new KeyService({ api: createSdApi({ baseUrl: NO_API, timeoutMs: 500 }), guilds });
  return { guilds, clears, keys, discord: { guildRoleIds: async () => new Set(roleIds) }, log };
}
