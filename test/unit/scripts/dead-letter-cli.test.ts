import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDlqArgs, parseRedriveArgs, UsageError } from '../../../scripts/lib/dead-letter-cli.js';
import { ROOT } from '../../../scripts/lib/paths.js';

const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
// An endpoint where nothing listens: none of these command lines may get as far as calling AWS.
const cli = (script: string, ...args: string[]) =>
  spawnSync(tsx, [path.join(ROOT, 'scripts', script), ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
  });

describe('npm run dlq: arguments', () => {
  it('parses list and peek', () => {
    expect(parseDlqArgs(['list'])).toEqual({ command: 'list', json: false, aws: false });
    expect(parseDlqArgs(['peek', 'email', '-n', '3', '--json'])).toEqual({
      command: 'peek',
      queue: 'email',
      max: 3,
      json: true,
      aws: false,
    });
    expect(parseDlqArgs(['peek', 'email'])).toMatchObject({ max: 10 });
    expect(parseDlqArgs(['--help'])).toEqual({ command: 'help' });
  });

  it.each([
    [[], /a command is required/],
    [['show'], /unknown command 'show'/],
    [['peek'], /peek needs a queue/],
    [['peek', 'a', 'b'], /one queue/],
    [['peek', 'email', '-n', '0'], /-n must be a whole number from 1 to 100, got '0'/],
    [['peek', 'email', '-n', 'lots'], /-n must be a whole number/],
    [['list', '--frob'], /unknown option '--frob'/],
    [['list', '-n', '3'], /applies to peek only/],
  ])('fails on %j', (argv, message) => {
    expect(() => parseDlqArgs(argv)).toThrow(UsageError);
    expect(() => parseDlqArgs(argv)).toThrow(message);
  });
});

describe('npm run redrive: arguments', () => {
  it('parses a queue, --all, --bus-dlq and --sns-dlq with their options', () => {
    expect(parseRedriveArgs(['email'])).toEqual({
      command: 'redrive',
      mode: 'queue',
      queue: 'email',
      rate: 10,
      dryRun: false,
      mover: false,
      timeoutSeconds: 3600,
      aws: false,
    });
    expect(parseRedriveArgs(['--all', '--rate', '50', '--dry-run'])).toMatchObject({
      mode: 'queue',
      rate: 50,
      dryRun: true,
    });
    expect(parseRedriveArgs(['--all'])).not.toHaveProperty('queue');
    expect(parseRedriveArgs(['--bus-dlq', '--bus', 'orders'])).toMatchObject({ mode: 'bus', bus: 'orders' });
    expect(parseRedriveArgs(['--bus-dlq', 'router'])).toMatchObject({ mode: 'bus', queue: 'router' });
    expect(parseRedriveArgs(['--sns-dlq'])).toMatchObject({ mode: 'sns' });
  });

  it.each([
    [[], /name a queue to redrive, or pass --all/],
    [['a', 'b'], /one queue at a time/],
    [['email', '--all'], /not both/],
    [['--bus-dlq', '--sns-dlq'], /choose one of --bus-dlq and --sns-dlq/],
    [['--all', '--bus-dlq'], /--all is for queue DLQs/],
    [['email', '--rate', '0'], /--rate must be a whole number from 1 to 500, got '0'/],
    [['email', '--rate', '501'], /--rate must be a whole number from 1 to 500/],
    [['email', '--rate', '2.5'], /--rate must be a whole number/],
    [['email', '--rate'], /argument missing/],
    [['email', '--bus', 'x'], /--bus applies to --bus-dlq only/],
    [['--bus-dlq', '--mover'], /--mover applies to queue DLQs only/],
    [['email', '--timeout', '-5'], /--timeout/],
    [['email', '--force'], /unknown option '--force'/],
  ])('fails on %j', (argv, message) => {
    expect(() => parseRedriveArgs(argv)).toThrow(UsageError);
    expect(() => parseRedriveArgs(argv)).toThrow(message);
  });
});

describe('the scripts exit 2 on a bad command line, before calling AWS', () => {
  it.each([
    ['dlq.ts', []],
    ['dlq.ts', ['purge']],
    ['dlq.ts', ['peek', 'email', '-n', '0']],
    ['redrive.ts', []],
    ['redrive.ts', ['email', '--rate', 'fast']],
    ['redrive.ts', ['--bus-dlq', '--sns-dlq']],
  ])('%s %j', (script, args) => {
    const result = cli(script, ...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/error: /);
    expect(result.stderr).toMatch(/Usage:/);
  });

  it('redrive --help says a re-run may duplicate but never loses a message, and exits 0', () => {
    const result = cli('redrive.ts', '--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Usage: npm run redrive/);
    expect(result.stdout).toMatch(/deliver it twice[\s\S]*no message is ever lost/);
  });

  it('dlq --help exits 0', () => {
    const result = cli('dlq.ts', '--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Usage: npm run dlq -- <command>/);
  });
});
