import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../../scripts/shared/paths.js';
import {
  checkDelivery,
  formatIsrReport,
  type IsrReport,
  isRefusal,
  isrClaimsHold,
  parseIsrArgs,
  protocolErrorType,
} from '../../../../scripts/stream/isr.js';

/** The error kafkajs builds from a broker's error code, as the producer throws it. */
const brokerError = (type: string, code: number) =>
  new KafkaJSProtocolError(Object.assign(new Error(`broker said ${type}`), { type, code, retriable: true }));

const report = (overrides: { lost?: string[]; refused?: boolean; acks1Lost?: string[] } = {}): IsrReport => ({
  topic: 'isr-demo-1',
  brokers: ['127.0.0.1:19092', '127.0.0.1:19093', '127.0.0.1:19094'],
  startedCluster: true,
  acksAll: {
    killed: { node: 1, pid: 4242 },
    newLeader: 2,
    isrAfter: [2, 3],
    acknowledged: 600,
    acknowledgedAfterKill: 300,
    unacknowledged: 10,
    failoverMs: 8400,
    consumed: 605,
    check: { lost: overrides.lost ?? [], duplicates: 0, unacknowledgedInLog: 5 },
  },
  twoDown: {
    down: [
      { node: 1, how: 'SIGKILL' },
      { node: 3, how: 'SIGTERM' },
    ],
    leader: 2,
    isr: [2],
    refused: overrides.refused ?? true,
    ...((overrides.refused ?? true) ? { errorType: 'NOT_ENOUGH_REPLICAS' } : {}),
    acks1Accepted: true,
    refusedInLog: 0,
  },
  acks1: {
    oldLeader: 2,
    paused: [1, 3],
    isrWhenKilled: [1, 2, 3],
    newLeader: 1,
    acknowledged: 200,
    lost: overrides.acks1Lost ?? ['one-0', 'one-1'],
    failoverMs: 7300,
    reproduced: (overrides.acks1Lost ?? ['one-0']).length > 0,
    why: 'because',
  },
  durationMs: 52_000,
});

describe('ISR demo: comparing what was acknowledged with what the log holds', () => {
  it('finds acknowledged ids missing from the log', () => {
    expect(checkDelivery(['a', 'b', 'c'], ['a', 'c']).lost).toEqual(['b']);
  });

  it('counts extra copies as duplicates, not as losses', () => {
    expect(checkDelivery(['a', 'b'], ['a', 'a', 'b', 'b', 'b'])).toEqual({
      lost: [],
      duplicates: 3,
      unacknowledgedInLog: 0,
    });
  });

  it('counts failed sends that were written anyway', () => {
    expect(checkDelivery(['a'], ['a', 'x'], ['x', 'y']).unacknowledgedInLog).toBe(1);
  });
});

describe('ISR demo: telling a NotEnoughReplicas refusal apart', () => {
  it('finds the broker error type under the retry wrapper kafkajs throws', () => {
    const refused = brokerError('NOT_ENOUGH_REPLICAS', 19);
    const wrapped = new KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 2, retryTime: 400 });
    expect(protocolErrorType(wrapped)).toBe('NOT_ENOUGH_REPLICAS');
    expect(isRefusal(protocolErrorType(wrapped))).toBe(true);
    expect(isRefusal(protocolErrorType(brokerError('NOT_ENOUGH_REPLICAS_AFTER_APPEND', 20)))).toBe(true);
  });

  it('does not take a timeout or a lost connection for a refusal', () => {
    expect(isRefusal(protocolErrorType(brokerError('REQUEST_TIMED_OUT', 7)))).toBe(false);
    expect(protocolErrorType(new KafkaJSConnectionError('Connection error: ECONNREFUSED'))).toBeUndefined();
    expect(protocolErrorType(undefined)).toBeUndefined();
    expect(isRefusal(undefined)).toBe(false);
  });
});

describe('ISR demo: report', () => {
  it('holds when acks=all lost nothing and two brokers down were refused, whatever acks=1 did', () => {
    expect(isrClaimsHold(report())).toBe(true);
    expect(isrClaimsHold(report({ acks1Lost: [] }))).toBe(true);
  });

  it.each([
    ['an acknowledged message was lost', { lost: ['all-7'] }],
    ['two brokers down were not refused', { refused: false }],
  ])('fails if %s', (_what, overrides) => {
    expect(isrClaimsHold(report(overrides))).toBe(false);
    expect(formatIsrReport(report(overrides))).toMatch(/A CLAIM FAILED/);
  });

  it('states each measured outcome', () => {
    const text = formatIsrReport(report());
    expect(text).toMatch(/SIGKILL node 1, PID 4242/);
    expect(text).toMatch(/no acknowledged message lost/);
    expect(text).toMatch(/refused with NOT_ENOUGH_REPLICAS; acks=1: accepted/);
    expect(text).toMatch(/acknowledged but lost: 2 of 200/);
    expect(text).toMatch(/loss reproduced/);
  });
});

describe('npm run stream:isr arguments', () => {
  it('takes --json and --help only', () => {
    expect(parseIsrArgs([])).toEqual({ help: false, json: false });
    expect(parseIsrArgs(['--json'])).toEqual({ help: false, json: true });
    expect(parseIsrArgs(['--help'])).toEqual({ help: true, json: false });
    expect(() => parseIsrArgs(['--brokers', '5'])).toThrow(/Unknown option '--brokers'/);
    expect(() => parseIsrArgs(['now'])).toThrow(/Unexpected argument 'now'/);
  });

  it('exits 2 with the usage on a bad argument, before starting any broker', () => {
    const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
    const result = spawnSync(tsx, [path.join(ROOT, 'scripts', 'stream', 'isr-main.ts'), '--fast'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Unknown option '--fast'/);
    expect(result.stderr).toMatch(/Usage: npm run stream:isr/);
  });
});
