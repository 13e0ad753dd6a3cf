import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/shared/paths.js';

const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const section = (title: string) => {
  const start = readme.indexOf(`## ${title}\n`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
};
const dirs = (dir: string) =>
  readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);

describe("the README's Layout and Commands", () => {
  const layout = section('Layout');
  const commands = section('Commands');

  it('shows every tool folder of scripts/ and every file and folder of docs/', () => {
    for (const tool of dirs('scripts')) expect(layout, `scripts/${tool}`).toMatch(new RegExp(`\\b${tool}/`));
    for (const entry of readdirSync(path.join(ROOT, 'docs')))
      expect(layout, `docs/${entry}`).toContain(entry);
  });

  it('names only paths that exist', () => {
    const named = [...layout.matchAll(/^\s*((?:[\w.-]+\/)+[\w.-]*)/gm)].map((m) => m[1] ?? '');
    expect(named.length).toBeGreaterThan(10);
    for (const p of named.filter((p) => !p.includes('<'))) {
      // Indented lines are relative to the folder above them.
      const candidates = [p, `scripts/${p}`, `contracts/${p}`, `docs/${p}`];
      expect(
        candidates.some((c) => existsSync(path.join(ROOT, c))),
        p,
      ).toBe(true);
    }
  });

  it('lists every npm script, each with a code folder that exists', () => {
    const scripts = Object.keys(
      (
        JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
          scripts: Record<string, string>;
        }
      ).scripts,
    );
    for (const name of scripts) {
      const shown =
        name === 'test'
          ? 'npm test'
          : name.includes(':') && name.startsWith('test:')
            ? name
            : `npm run ${name}`;
      expect(commands, name).toContain(shown);
    }
    for (const [, folder] of commands.matchAll(/\| `((?:scripts|test)\/[\w/-]*)` \|/g))
      expect(existsSync(path.join(ROOT, folder ?? '')), folder).toBe(true);
  });
});
