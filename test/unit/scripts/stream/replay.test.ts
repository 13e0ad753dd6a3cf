import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../../scripts/shared/paths.js';
import {
  parseStreamReplayArgs,
  planMoves,
  StreamReplayUsageError,
} from '../../../../scripts/stream/replay.js';

const NOW = new Date('2026-12-03T12:00:00Z');

describe('npm run stream:replay: arguments', () => {
  it('parses a group with a time, an age or an offset, and the options', () => {
    expect(parseStreamReplayArgs(['--group', 'order-audit', '--from', '15m'], NOW)).toEqual({
      group: 'order-audit',
      topic: 'orders.events',
      start: { kind: 'time', at: new Date('2026-12-03T11:45:00Z') },
      dryRun: false,
    });
    expect(
      parseStreamReplayArgs(
        ['--group', 'g', '--from', '2026-12-03T09:00:00Z', '--dry-run', '--topic', 't'],
        NOW,
      ),
    ).toMatchObject({
      start: { kind: 'time', at: new Date('2026-12-03T09:00:00Z') },
      dryRun: true,
      topic: 't',
    });
    expect(
      parseStreamReplayArgs(['--group', 'g', '--offset', '0', '--brokers', 'a:1, b:2'], NOW),
    ).toMatchObject({
      start: { kind: 'offset', offset: 0 },
      brokers: ['a:1', 'b:2'],
    });
    expect(parseStreamReplayArgs(['--help'], NOW)).toEqual({ help: true });
  });

  it.each([
    [['--from', '15m'], '--group is required'],
    [['--group', 'g'], 'say where to replay from: --from <time> or --offset <n>'],
    [['--group', 'g', '--from', '15m', '--offset', '3'], 'give --from or --offset, not both'],
    [['--group', 'g', '--offset=-1'], "--offset must be a whole number from 0, got '-1'"],
    [['--group', 'g', '--offset', 'start'], "--offset must be a whole number from 0, got 'start'"],
    [['--group', 'g', '--from', 'yesterday'], "'yesterday' is not a time"],
    [['--group', 'g', '--from', '2027-01-01T00:00:00Z'], 'is in the future'],
    [['--group', 'g', '--from', '15m', '--brokers', ','], '--brokers names no server'],
    [['--group', 'g', '--from', '15m', '--frob'], "unknown option '--frob'"],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => parseStreamReplayArgs(argv, NOW)).toThrow(StreamReplayUsageError);
    expect(() => parseStreamReplayArgs(argv, NOW)).toThrow(message);
  });
});

describe('planning a replay', () => {
  const retained = [
    { partition: 1, low: '5', high: '20' },
    { partition: 0, low: '0', high: '10' },
  ];

  it('clamps an offset to what each partition retains, and counts what is read again', () => {
    const moves = planMoves(
      { kind: 'offset', offset: 3 },
      retained,
      new Map(),
      new Map([
        [0, '10'],
        [1, '20'],
      ]),
    );
    expect(moves).toEqual([
      { partition: 0, from: '10', to: '3', again: 7 },
      { partition: 1, from: '20', to: '5', again: 15 },
    ]);
  });

  it("moves to each partition's first record at the time, or its end where there is none", () => {
    const moves = planMoves({ kind: 'time', at: NOW }, retained, new Map([[0, '4']]), new Map([[0, '-1']]));
    expect(moves).toEqual([
      { partition: 0, to: '4', again: -4 }, // no commit yet: the group would start at the low mark
      { partition: 1, to: '20', again: -15 },
    ]);
  });
});

describe('npm run stream:replay: the command', () => {
  const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  const run = (...args: string[]) =>
    spawnSync(tsx, [path.join(ROOT, 'scripts', 'stream', 'replay-main.ts'), ...args], {
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('exits 2 with the reason and the usage for a bad command line, before it looks for a broker', () => {
    const result = run('--group', 'order-audit');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/say where to replay from/);
    expect(result.stderr).toMatch(/Usage: npm run stream:replay/);
  });

  it('names the broker it could not reach and how to start the local one', { timeout: 30_000 }, () => {
    const result = run('--group', 'g', '--offset', '0', '--brokers', '127.0.0.1:1');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/no Kafka broker answers at 127\.0\.0\.1:1/);
    expect(result.stderr).toMatch(/npm run kafka -- start/);
  });
});
