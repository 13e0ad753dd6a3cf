import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../../scripts/shared/paths.js';

const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const cli = (script: string, ...args: string[]) =>
  spawnSync(tsx, [path.join(ROOT, 'scripts', script), ...args], { encoding: 'utf8', timeout: 30_000 });

describe('the Kafka tools reject bad arguments before touching a broker', () => {
  it.each([
    ['kafka/main.ts', ['restart'], /unknown command 'restart'/],
    ['kafka/main.ts', ['start', '--brokers', '0'], /--brokers must be a whole number/],
    ['kafka/main.ts', [], /give a command/],
  ])('%s %j exits 2 with a message and the usage', (script, args, message) => {
    const result = cli(script, ...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/Usage:/);
  });

  it('kafka/main.ts --help prints the usage and exits 0', () => {
    const result = cli('kafka/main.ts', '--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Usage: npm run kafka -- <start\|stop\|status> \[--brokers N\]/);
  });
});
