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
      if (r.kind === 'hook')
        return r.state === 'OnSuccess' ? 'publish OrderConfirmed' : 'publish OrderCancelled';
      return `${r.state} ${r.outcome === 'OK' ? '✔' : `✘ ${r.outcome}`}${retries}`;
    })
    .join(' › ');
}
