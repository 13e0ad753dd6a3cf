import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkWindow, parseReplayArgs } from '../../../../scripts/replay/args.js';
import { ROOT } from '../../../../scripts/shared/paths.js';

const NOW = new Date('2026-11-27T10:00:00Z');
const at = (iso: string) => new Date(iso);

describe('npm run replay: arguments', () => {
  it('parses a window in ISO times, ages and now, with the options', () => {
    expect(
      parseReplayArgs(['--from', '15m', '--to', 'now', '--rule', 'a', '--rule', 'b', '--timeout', '60'], NOW),
    ).toEqual({
      help: false,
      options: {
        from: at('2026-11-27T09:45:00Z'),
        to: NOW,
        rules: ['a', 'b'],
        timeoutSeconds: 60,
        aws: false,
      },
      notes: [],
    });
    expect(
      parseReplayArgs(['--from', '2026-11-27T09:00:00Z', '--to', '2026-11-27T09:30:00Z', '--aws'], NOW),
    ).toMatchObject({
      options: { from: at('2026-11-27T09:00:00Z'), to: at('2026-11-27T09:30:00Z'), aws: true },
    });
    expect(parseReplayArgs(['--help'], NOW)).toEqual({ help: true });
  });

  it.each([
    [['--from', '15m'], /--from and --to are required/],
    [['--from', 'yesterday', '--to', 'now'], /'yesterday' is not a time/],
    [['--from', '15m', '--to', 'now', '--timeout', '0'], /--timeout must be a positive number/],
    [['--from', 'now', '--to', '15m'], /must be before --to/],
    [['--from', '15m', '--to', 'now', '--frob'], /Unknown option '--frob'/],
  ])('fails on %j', (argv, message) => {
    expect(() => parseReplayArgs(argv, NOW)).toThrow(message);
  });

  it('refuses a window that starts in the future, saying why', () => {
    expect(() =>
      parseReplayArgs(['--from', '2099-01-01T00:00:00Z', '--to', '2099-01-02T00:00:00Z'], NOW),
    ).toThrow(
      /--from \(2099-01-01T00:00:00\.000Z\) is in the future \(now is 2026-11-27T10:00:00\.000Z\): the archive holds only events that already happened/,
    );
  });

  it('replays a window that ends in the future up to now, with a note', () => {
    const parsed = parseReplayArgs(['--from', '1h', '--to', '2099-01-01T00:00:00Z'], NOW);
    expect(parsed).toMatchObject({ options: { from: at('2026-11-27T09:00:00Z'), to: NOW } });
    expect(parsed.help === false && parsed.notes).toEqual([
      '--to (2099-01-01T00:00:00.000Z) is in the future: replaying up to now (2026-11-27T10:00:00.000Z).',
    ]);
  });

  it('takes a window from the past up to exactly now, without a note', () => {
    expect(checkWindow(at('2026-11-27T09:00:00Z'), NOW, NOW)).toEqual({
      from: at('2026-11-27T09:00:00Z'),
      to: NOW,
      notes: [],
    });
  });
});

describe('the replay script exits 2 on a window in the future, before calling AWS', () => {
  it('--from 2099-…', () => {
    const result = spawnSync(
      path.join(ROOT, 'node_modules', '.bin', 'tsx'),
      [
        path.join(ROOT, 'scripts', 'replay', 'main.ts'),
        '--from',
        '2099-01-01T00:00:00Z',
        '--to',
        '2099-01-02T00:00:00Z',
      ],
      {
        encoding: 'utf8',
        timeout: 30_000,
        // Nothing listens there: the script must not get as far as calling AWS.
        env: { ...process.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
      },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/error: --from \(2099-01-01T00:00:00\.000Z\) is in the future/);
    expect(result.stderr).toMatch(/Usage: npm run replay/);
  });
});
