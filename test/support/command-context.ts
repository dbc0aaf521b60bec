/**
 * A real context for running a command directly with plain input: GuildRecords and ClearService over
 * a fresh SQLite file in a temp folder, the API client against the loopback stand-in, a clock the
 * test moves, a logger whose lines the test reads, and a DiscordPort that is a plain object (it is
 * a port, not Discord). Settings are loaded once per run, as the pipeline does.
 *
 *   const sd = await startSdApiStandIn();
 *   const world = await openCommandWorld(sd, { cooldownS: 30 });
 *   const result = await world.run(command, guildInput({ name: 'apikey', subcommand: 'status' }));
 *   await world.close();
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { ClearService } from '../../src/core/clearing.js';
import { KeyService } from '../../src/core/keys.js';
import { type GuildSettings, GuildRecords } from '../../src/core/guilds.js';
import { createSdApi } from '../../src/core/sdapi.js';
import { type Sealer, createSealer } from '../../src/core/seal.js';
import type {
  Command,
  CommandContext,
  CommandResult,
  DiscordPort,
  GuildInput,
} from '../../src/interactions/command.js';
import { SecretSet, createLogger } from '../../src/logger.js';
import { translate } from '../../src/i18n/index.js';
import { type Store, openStore } from '../../src/store/index.js';
import type { LogLine } from './bot-process.js';
import { APP_ID, GUILD_ID } from './input.js';
import { type SdApiStandIn, startSdApiStandIn } from './sdapi-standin.js';
import { tempDir } from './temp.js';

/** A DiscordPort answering with the roles the test says the server has, and recording who asked. */
export interface RolesPort extends DiscordPort {
  roles: Set<string>;
  asked: string[];
}

export function rolesPort(roles: Iterable<string> = []): RolesPort {
  const port: RolesPort = {
    roles: new Set(roles),
    asked: [],
    async guildRoleIds(guildId) {
      port.asked.push(guildId);
      return new Set(port.roles);
    },
  };
  return port;
}

export interface CommandWorldOptions {
  cooldownS?: number;
  /** The API client's deadline (and the ClearService's idea of it). */
  apiTimeoutMs?: number;
  /** The budget of the balance /apikey status shows. */
  statusTimeoutMs?: number;
}

export interface CommandWorld {
  store: Store;
  sealer: Sealer;
  guilds: GuildRecords;
  clears: ClearService;
  keys: KeyService;
  discord: RolesPort;
  /** What GuildRecords and ClearService take as now; move it to pass time. */
  clock: { now: number };
  logs: LogLine[];
  dbFile: string;
  /** Another ClearService over a second connection to the same file: another process of the bot. */
  otherProcess(
    options?: CommandWorldOptions,
  ): Promise<{ guilds: GuildRecords; clears: ClearService; keys: KeyService }>;
  settings(guildId?: string): Promise<GuildSettings>;
  /** The context the pipeline would build for this guild now: settings loaded once. */
  context(guildId?: string, overrides?: Partial<CommandContext>): Promise<CommandContext>;
  /** Loads the guild's settings once, then runs the command as the pipeline would hand it the input. */
  run(command: Command, input: GuildInput, overrides?: Partial<CommandContext>): Promise<CommandResult>;
  close(): Promise<void>;
}

export const START = Date.UTC(2025, 0, 15, 12, 0, 0);

export async function openCommandWorld(sd: SdApiStandIn, options: CommandWorldOptions = {}): Promise<CommandWorld> {
  const dir = tempDir('sdbot-cmd-');
  const dbFile = `${dir.path}/bot.sqlite`;
  const stores: Store[] = [];
  const clock = { now: START };
  const now = () => clock.now;
  const sealer = createSealer(randomBytes(32));
  const logs: LogLine[] = [];
  const log = createLogger({
    level: 'debug',
    format: 'json',
    secrets: new SecretSet(),
    destination: { write: (l: string) => void logs.push(JSON.parse(l) as LogLine) },
  });

  const compose = async ({ cooldownS = 0, apiTimeoutMs = 2000, statusTimeoutMs }: CommandWorldOptions) => {
    const store = await openStore(`sqlite://${dbFile}`);
    stores.push(store);
    const guilds = new GuildRecords(store, sealer, undefined, now);
    const api = createSdApi({ baseUrl: sd.baseUrl, timeoutMs: apiTimeoutMs, backoffMs: 5 });
    const clears = new ClearService({
      api,
      guilds,
      cooldownS,
      apiTimeoutMs,
      storeDeadlineMs: store.deadlineMs,
      now,
      pollMs: 10,
    });
    const keys = new KeyService({ api, guilds, now, ...(statusTimeoutMs === undefined ? {} : { statusTimeoutMs }) });
    return { store, guilds, clears, keys };
  };

  const { store, guilds, clears, keys } = await compose(options);
  const discord = rolesPort();
  const context = async (guildId = GUILD_ID, overrides: Partial<CommandContext> = {}): Promise<CommandContext> => ({
    settings: await guilds.settings(guildId),
    storeUnavailable: false,
    t: translate('en-US'),
    guilds,
    clears,
    keys,
    discord,
    applicationId: APP_ID,
    log,
    ...overrides,
  });
  return {
    store,
    sealer,
    guilds,
    clears,
    keys,
    discord,
    clock,
    logs,
    dbFile,
    otherProcess: (other = options) => compose(other),
    settings: (guildId = GUILD_ID) => guilds.settings(guildId),
    context,
    async run(command, input, overrides = {}) {
      return command.execute(input, await context(input.guildId, overrides));
    },
    async close() {
      await clears.drain();
      for (const s of stores.splice(0)) await s.close();
      dir.remove();
    },
  };
}

/** The first embed's title and description, and every field, as one text: for "is never shown" checks. */
export const everything = (result: CommandResult): string => JSON.stringify(result.embeds);

/**
 * The usual hooks of a command test file: one API stand-in for the file, set back to a plain
 * success before each test, and a fresh world for each test, handed over through `bind`.
 *
 *   let sd: SdApiStandIn;
 *   let world: CommandWorld;
 *   useCommandWorld({ cooldownS: 30 }, (s, w) => { sd = s; world = w; });
 */
export function useCommandWorld(
  options: CommandWorldOptions,
  bind: (sd: SdApiStandIn, world: CommandWorld) => void,
): void {
  let sd: SdApiStandIn | undefined;
  let world: CommandWorld | undefined;
  beforeAll(async () => {
    sd = await startSdApiStandIn();
  });
  afterAll(() => sd?.close());
  beforeEach(async () => {
    sd!.setMode('success');
    sd!.setLatency(0);
    sd!.setBalance(43.6, 'USD');
    sd!.setResponder(null);
    world = await openCommandWorld(sd!, options);
    bind(sd!, world);
  });
  afterEach(() => world?.close());
}
