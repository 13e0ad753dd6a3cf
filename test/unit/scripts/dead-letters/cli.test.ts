import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  describeReport,
  handleInterrupts,
  parseDlqArgs,
  parseRedriveArgs,
  summarizeReports,
} from '../../../../scripts/dead-letters/cli.js';
import type { DeadLetterQueue } from '../../../../scripts/dead-letters/dead-letters.js';
import type { MoveResult, RedriveReport } from '../../../../scripts/dead-letters/redrive.js';
import { ROOT } from '../../../../scripts/shared/paths.js';
import { UsageError } from '../../../../scripts/shared/usage.js';

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
  it('parses a queue, --all, --bus-dlq, --sns-dlq and --relay-dlq with their options', () => {
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
    expect(parseRedriveArgs(['--relay-dlq', '--dry-run'])).toMatchObject({ mode: 'relay', dryRun: true });
  });

  it.each([
    [[], /name a queue to redrive, or pass --all/],
    [['a', 'b'], /one queue at a time/],
    [['email', '--all'], /not both/],
    [['--bus-dlq', '--sns-dlq'], /choose one of --bus-dlq, --sns-dlq and --relay-dlq/],
    [['--sns-dlq', '--relay-dlq'], /choose one of --bus-dlq, --sns-dlq and --relay-dlq/],
    [['--all', '--bus-dlq'], /--all is for queue DLQs/],
    [['--all', '--relay-dlq'], /--all is for queue DLQs; --relay-dlq alone already takes all of its kind/],
    [['--relay-dlq', '--bus', 'orders'], /--bus applies to --bus-dlq only/],
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
    ['dead-letters/dlq-main.ts', []],
    ['dead-letters/dlq-main.ts', ['purge']],
    ['dead-letters/dlq-main.ts', ['peek', 'email', '-n', '0']],
    ['dead-letters/redrive-main.ts', []],
    ['dead-letters/redrive-main.ts', ['email', '--rate', 'fast']],
    ['dead-letters/redrive-main.ts', ['--bus-dlq', '--sns-dlq']],
  ])('%s %j', (script, args) => {
    const result = cli(script, ...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/error: /);
    expect(result.stderr).toMatch(/Usage:/);
  });

  it('redrive --help says a re-run may duplicate but never loses a message, and exits 0', () => {
    const result = cli('dead-letters/redrive-main.ts', '--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Usage: npm run redrive/);
    expect(result.stdout).toMatch(/deliver it twice[\s\S]*no message is ever lost/);
  });

  it('dlq --help exits 0', () => {
    const result = cli('dead-letters/dlq-main.ts', '--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Usage: npm run dlq -- <command>/);
  });
});

describe('npm run redrive: what it prints', () => {
  const queue = { name: 'OrderNotifications/EmailQueue', kind: 'queue' } as DeadLetterQueue;
  const none = { visible: 0, inFlight: 0 };
  const empty = (dryRun = false): RedriveReport => ({
    queue,
    destination: 'EmailQueue',
    dryRun,
    empty: true,
    waiting: none,
  });
  const moved = (result: Partial<MoveResult>): RedriveReport => ({
    queue,
    method: 'mover',
    destination: 'EmailQueue',
    dryRun: false,
    empty: false,
    waiting: { visible: 3, inFlight: 0 },
    result: {
      moved: 0,
      failed: 0,
      heldBack: 0,
      notDeleted: 0,
      left: 0,
      failures: [],
      interrupted: false,
      ...result,
    },
  });
  const wouldMove = (visible: number, inFlight = 0): RedriveReport => ({
    queue,
    method: 'message-move-task',
    destination: 'EmailQueue',
    dryRun: true,
    empty: false,
    waiting: { visible, inFlight },
  });

  it('says an empty DLQ is empty, dry run or not', () => {
    expect(describeReport(empty())).toBe('empty, nothing to move');
    expect(describeReport(empty(true))).toBe('empty, nothing to move');
  });

  it('says what moved, and what a dry run would move and how', () => {
    expect(describeReport(moved({ moved: 3 }))).toBe(
      "moved 3, failed 0, left 0 (the script's mover → EmailQueue)",
    );
    expect(describeReport(wouldMove(2, 1))).toBe(
      'would move 2 message(s) to EmailQueue with SQS message move task (1 more in flight, moved once visible again)',
    );
  });

  it('sums up a run over every DLQ of a kind: empty ones, what moved, what an interruption left', () => {
    expect(summarizeReports([empty(), empty(), empty()], 3, 'queue DLQ')).toBe(
      'Nothing to redrive: all 3 queue DLQs are empty',
    );
    expect(summarizeReports([empty()], 1, 'SNS delivery DLQ')).toBe(
      'Nothing to redrive: the one SNS delivery DLQ is empty',
    );
    expect(summarizeReports([empty(), moved({ moved: 3, failed: 1 }), empty()], 3, 'queue DLQ')).toBe(
      '1 of 3 queue DLQs redriven: moved 3, failed 1; 2 empty',
    );
    expect(summarizeReports([empty(true), wouldMove(4, 1)], 2, 'queue DLQ')).toBe(
      'Dry run: 5 message(s) would move from 1 of 2 queue DLQs; 1 empty',
    );
    expect(summarizeReports([moved({ moved: 10 })], 4, 'queue DLQ')).toBe(
      '1 of 4 queue DLQs redriven: moved 10; 3 not reached (interrupted)',
    );
  });
});

describe('npm run redrive: Ctrl-C', () => {
  function setup() {
    const quits: string[] = [];
    const warnings: string[] = [];
    const interrupts = handleInterrupts(
      (m) => quits.push(m),
      (m) => warnings.push(m),
    );
    return { interrupts, quits, warnings };
  }

  it('quits at once before anything moves: there is no batch to finish', () => {
    const { interrupts, quits } = setup();
    interrupts.onSigint();
    expect(quits).toEqual(['interrupted before anything moved.']);
  });

  it('once moving, lets the batch in hand finish on the first Ctrl-C and quits on the second', () => {
    const { interrupts, quits, warnings } = setup();
    interrupts.moving();

    interrupts.onSigint();
    expect(interrupts.signal.aborted).toBe(true);
    expect(quits).toEqual([]);
    expect(warnings).toEqual(['Stopping after the current batch (Ctrl-C again to quit at once)']);

    interrupts.onSigint();
    expect(quits).toEqual([expect.stringMatching(/^interrupted again: stopped at once/)]);
  });
});
