import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { describeEnd, describePath, sagaEnd, sagaPath } from '../../../../scripts/saga/saga.js';

/** The history of one Task state: entered, `attempts` schedules, exited with `output`. */
function task(name: string, output: unknown, attempts = 1): HistoryEvent[] {
  const at = new Date(0);
  return [
    { type: 'TaskStateEntered', id: 1, timestamp: at, stateEnteredEventDetails: { name } },
    ...Array.from({ length: attempts }, () => ({ type: 'TaskScheduled' as const, id: 2, timestamp: at })),
    {
      type: 'TaskStateExited',
      id: 3,
      timestamp: at,
      stateExitedEventDetails: { name, output: JSON.stringify(output) },
    },
  ];
}

describe('sagaPath', () => {
  it('reads an action that returned OK', () => {
    const [run] = sagaPath(task('ReserveStock', { results: { ReserveStock: { outcome: 'OK' } } }));
    expect(run).toMatchObject({ state: 'ReserveStock', kind: 'action', outcome: 'OK', attempts: 1 });
  });

  it('reads an action that refused by its reason', () => {
    const output = { results: { AuthorizePayment: { outcome: 'DECLINED', reason: 'PAYMENT_DECLINED' } } };
    expect(sagaPath(task('AuthorizePayment', output))[0]?.outcome).toBe('PAYMENT_DECLINED');
  });

  it('reads an action whose fault was caught (its error where the result would be) as FAILED', () => {
    const output = { results: { ConfirmOrder: { Error: 'States.Timeout', Cause: 'timed out' } } };
    expect(sagaPath(task('ConfirmOrder', output, 4))[0]).toMatchObject({ outcome: 'FAILED', attempts: 4 });
  });

  it("reads a settle from the step's settlement", () => {
    const output = {
      results: { ConfirmOrder: { Error: 'States.Timeout' } },
      settlements: { ConfirmOrder: { outcome: 'ABANDONED', reason: 'TECHNICAL_FAILURE' } },
    };
    const [run] = sagaPath(task('SettleConfirmOrder', output));
    expect(run).toMatchObject({ kind: 'settle', outcome: 'TECHNICAL_FAILURE' });
  });
});

describe('describePath', () => {
  it('says a settle found the step had happened', () => {
    const runs = sagaPath(task('SettleConfirmOrder', { settlements: { ConfirmOrder: { outcome: 'OK' } } }));
    expect(describePath(runs)).toBe('settle ConfirmOrder: it happened ✔');
  });
});

describe('sagaEnd', () => {
  it('reads a confirmed order from a SUCCEEDED execution’s output', () => {
    expect(sagaEnd({ status: 'SUCCEEDED', output: '{"outcome":"CONFIRMED"}' })).toEqual({
      outcome: 'CONFIRMED',
    });
  });

  it('reads a cancellation, with its step and reason, from a SUCCEEDED execution’s output', () => {
    const output = JSON.stringify({
      outcome: 'CANCELLED',
      step: 'AuthorizePayment',
      reason: 'PAYMENT_DECLINED',
    });

    expect(sagaEnd({ status: 'SUCCEEDED', output })).toEqual({
      outcome: 'CANCELLED',
      step: 'AuthorizePayment',
      reason: 'PAYMENT_DECLINED',
    });
  });

  it('reads a FAILED execution as FAILED with its error and cause, whatever its output', () => {
    expect(
      sagaEnd({ status: 'FAILED', error: 'CompensationFailed', cause: 'Compensating X failed' }),
    ).toEqual({
      outcome: 'FAILED',
      error: 'CompensationFailed',
      cause: 'Compensating X failed',
    });
  });

  it('says SUCCEEDED for a succeeded execution whose output names no outcome', () => {
    expect(sagaEnd({ status: 'SUCCEEDED', output: '{}' }).outcome).toBe('SUCCEEDED');
  });
});

describe('describeEnd', () => {
  it.each([
    [{ outcome: 'CONFIRMED' }, 'CONFIRMED'],
    [
      { outcome: 'CANCELLED', step: 'ReserveStock', reason: 'OUT_OF_STOCK' },
      'CANCELLED (OUT_OF_STOCK at ReserveStock)',
    ],
    [
      { outcome: 'FAILED', error: 'CompensationFailed', cause: 'undo failed' },
      'FAILED (CompensationFailed: undo failed)',
    ],
  ])('describes %j as %s', (end, text) => {
    expect(describeEnd(end)).toBe(text);
  });
});
