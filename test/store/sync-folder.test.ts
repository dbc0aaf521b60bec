import { describe, expect, it } from 'vitest';
import { syncFolder } from '../../src/store/sync-folder.js';
import { tempDir } from '../support/temp.js';

describe('syncFolder', () => {
  it('syncs a folder that is there, under either policy', () => {
    const dir = tempDir();
    try {
      expect(() => syncFolder(dir.path, 'throw')).not.toThrow();
      expect(() => syncFolder(dir.path, 'ignore')).not.toThrow();
    } finally {
      dir.remove();
    }
  });

  it('throws when it cannot, if the caller says so (a restore), and goes on if not (a key file)', () => {
    const dir = tempDir();
    const missing = `${dir.path}/gone`;
    try {
      expect(() => syncFolder(missing, 'throw')).toThrow(/ENOENT/);
      expect(() => syncFolder(missing, 'ignore')).not.toThrow();
    } finally {
      dir.remove();
    }
  });
});
