import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCommands, registrationPayload } from '../../src/interactions/command.js';
import { CommandModuleError } from '../../src/interactions/errors.js';
import { tempDir } from '../support/temp.js';

describe('the command loader', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.remove());

  it('loads every module in commands/, and derives registration policy from declared access', async () => {
    const commands = await loadCommands();
    expect([...commands.keys()].sort()).toEqual(['access', 'apikey', 'audit', 'clearcache', 'help']);
    const payload = Object.fromEntries(registrationPayload(commands).map((c) => [c.name, c]));
    expect(payload.clearcache).toMatchObject({
      contexts: [0],
      integration_types: [0],
      default_member_permissions: null,
    });
    expect(payload.apikey).toMatchObject({ contexts: [0], integration_types: [0], default_member_permissions: '32' });
  });

  it('names a module that does not declare what a command must', async () => {
    writeFileSync(
      `${dir.path}/broken.js`,
      "export const command = { data: { name: 'x', toJSON: () => ({}) }, access: 'anyone', visibility: 'public', execute() {} };\n",
    );
    await expect(loadCommands(dir.path)).rejects.toThrow(CommandModuleError);
    await expect(loadCommands(dir.path)).rejects.toThrow(/commands\/broken\.js must export `command`/);
  });

  it('refuses two modules with one name', async () => {
    const module =
      "export const command = { data: { name: 'twin', toJSON: () => ({}) }, access: 'admin', visibility: 'public', execute() {} };\n";
    writeFileSync(`${dir.path}/a.js`, module);
    writeFileSync(`${dir.path}/b.js`, module);
    await expect(loadCommands(dir.path)).rejects.toThrow(/twin is defined twice/);
  });
});
