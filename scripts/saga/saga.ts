import type { HistoryEvent } from '@aws-sdk/client-sfn';

export interface SagaStepRun {
  readonly state: string;
  readonly kind: 'action' | 'compensation' | 'settle' | 'hook';
  /** Task attempts (1 + retries). */
  readonly attempts: number;
  /** `OK`, a business outcome, or `FAILED` when the task failed for good. */
  readonly outcome: string;
}

const HOOKS = new Set(['OnSuccess', 'OnCompensated']);

type Result = { outcome?: string; reason?: string; Error?: string };

const kindOf = (state: string): SagaStepRun['kind'] =>
  state.startsWith('Compensate')
    ? 'compensation'
    : state.startsWith('Settle')
      ? 'settle'
      : HOOKS.has(state)
        ? 'hook'
        : 'action';

/** What a task's output says of it: compensations and hooks only ever end OK or in a Fail. */
function outcomeOf(state: string, output: string | undefined): string {
  const kind = kindOf(state);
  if (kind === 'compensation' || kind === 'hook') return 'OK';
  const parsed = output
    ? (JSON.parse(output) as { results?: Record<string, Result>; settlements?: Record<string, Result> })
    : {};
  const result =
    kind === 'settle' ? parsed.settlements?.[state.replace(/^Settle/, '')] : parsed.results?.[state];
  // A caught fault leaves its error where the result would be.
  if (!result || result.Error !== undefined) return 'FAILED';
  return result.outcome === 'OK' ? 'OK' : (result.reason ?? result.outcome ?? 'NO_OUTCOME');
}

/** The tasks an execution ran, in order, with attempts and outcome, from its history. */
export function sagaPath(history: readonly HistoryEvent[]): SagaStepRun[] {
  const runs: Array<{ state: string; attempts: number; outcome: string }> = [];
  let current: { state: string; attempts: number; outcome: string } | undefined;
  for (const event of history) {
    switch (event.type) {
      case 'TaskStateEntered': {
        current = { state: event.stateEnteredEventDetails?.name ?? '?', attempts: 0, outcome: 'FAILED' };
        runs.push(current);
        break;
      }
      case 'TaskScheduled':
      case 'LambdaFunctionScheduled':
        if (current) current.attempts += 1;
        break;
      case 'TaskStateExited': {
        if (!current) break;
        current.outcome = outcomeOf(current.state, event.stateExitedEventDetails?.output);
        current = undefined;
        break;
      }
      default:
        break;
    }
  }
  return runs.map((r) => ({
    ...r,
    attempts: Math.max(1, r.attempts),
    kind: kindOf(r.state),
  }));
}

/** One line per task: `ReserveStock ✔ › AuthorizePayment ✘ PAYMENT_DECLINED › ↩ CompensateReserveStock`. */
export function describePath(runs: readonly SagaStepRun[]): string {
  return runs
    .map((r) => {
      const retries = r.attempts > 1 ? ` (${r.attempts} attempts)` : '';
      if (r.kind === 'compensation') return `↩ ${r.state.replace(/^Compensate/, 'undo ')}${retries}`;
      if (r.kind === 'settle')
        return `settle ${r.state.replace(/^Settle/, '')}: ${r.outcome === 'OK' ? 'it happened ✔' : `✘ ${r.outcome}`}${retries}`;
      if (r.kind === 'hook') return r.state === 'OnSuccess' ? 'success hook' : 'cancel the order';
      return `${r.state} ${r.outcome === 'OK' ? '✔' : `✘ ${r.outcome}`}${retries}`;
    })
    .join(' › ');
}

/**
 * How a saga execution ended, in business terms. A run that SUCCEEDED names its outcome in its
 * output (`CONFIRMED`, or `CANCELLED` with the step and reason); FAILED, TIMED_OUT and ABORTED
 * runs are faults a person must look at (a compensation, settle or hook could not finish).
 */
export interface SagaEnd {
  /** `CONFIRMED`, `CANCELLED`, or the execution status when it did not succeed. */
  readonly outcome: string;
  readonly step?: string;
  readonly reason?: string;
  /** The error and cause of an execution that did not succeed. */
  readonly error?: string;
  readonly cause?: string;
}

export function sagaEnd(execution: {
  readonly status?: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}): SagaEnd {
  if (execution.status !== 'SUCCEEDED') {
    return {
      outcome: execution.status ?? 'UNKNOWN',
      ...(execution.error ? { error: execution.error } : {}),
      ...(execution.cause ? { cause: execution.cause } : {}),
    };
  }
  const output = JSON.parse(execution.output ?? '{}') as {
    outcome?: unknown;
    step?: unknown;
    reason?: unknown;
  };
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const step = text(output.step);
  const reason = text(output.reason);
  return {
    outcome: text(output.outcome) ?? 'SUCCEEDED',
    ...(step ? { step } : {}),
    ...(reason ? { reason } : {}),
  };
}

/** `CONFIRMED`, `CANCELLED (PAYMENT_DECLINED at AuthorizePayment)`, `FAILED (CompensationFailed: …)`. */
export function describeEnd(end: SagaEnd): string {
  if (end.reason) return `${end.outcome} (${end.reason}${end.step ? ` at ${end.step}` : ''})`;
  if (end.error) return `${end.outcome} (${end.error}${end.cause ? `: ${end.cause}` : ''})`;
  return end.outcome;
}
