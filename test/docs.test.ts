/**
 * What the docs tell an operator to run exists: every built file they name (`dist/...js`) has its
 * source, and every `npm run <script>` is a script of package.json. Paths move in refactors; the
 * README's commands are copied into terminals as they are.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8');
const DOCS = [
  'README.md',
  'CONTRIBUTING.md',
  'Dockerfile',
  'compose.yaml',
  '.env.example',
  ...readdirSync(new URL('docs/', ROOT)).map((name) => `docs/${name}`),
];
const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);

describe.each(DOCS)('%s', (doc) => {
  const text = read(doc);

  it('names only built files whose source exists', () => {
    const built = [...text.matchAll(/\bdist\/((?:src|commands)\/[\w/.-]+)\.js\b/g)].map((m) => m[1]!);
    const missing = built.filter((path) => !existsSync(new URL(`${path}.ts`, ROOT)));
    expect(missing).toEqual([]);
  });

  it('runs only npm scripts that package.json has', () => {
    const named = [...text.matchAll(/\bnpm run ([\w:-]+)/g)].map((m) => m[1]!);
    expect(named.filter((name) => !scripts.includes(name))).toEqual([]);
  });
});

it('the package scripts themselves start built files whose source exists', () => {
  const built = [...read('package.json').matchAll(/\bdist\/((?:src|commands)\/[\w/.-]+)\.js\b/g)].map((m) => m[1]!);
  expect(built.length).toBeGreaterThan(5);
  expect(built.filter((path) => !existsSync(new URL(`${path}.ts`, ROOT)))).toEqual([]);
});
