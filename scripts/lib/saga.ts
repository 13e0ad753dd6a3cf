import type { HistoryEvent } from '@aws-sdk/client-sfn';

export interface SagaStepRun {
  readonly state: string;
  readonly kind: 'action' | 'compensation' | 'hook';
  /** Task attempts (1 + retries). */
  readonly attempts: number;
  /** `OK`, a business outcome, or `FAILED` when the task failed for good. */
  readonly outcome: string;
}

const HOOKS = new Set(['OnSuccess', 'OnCompensated']);

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
        const output = event.stateExitedEventDetails?.output;
        const parsed = output
          ? (JSON.parse(output) as { results?: Record<string, { outcome?: string; reason?: string }> })
          : {};
        const result = parsed.results?.[current.state];
        current.outcome =
          result?.outcome === 'OK'
            ? 'OK'
            : (result?.reason ?? result?.outcome ?? (parsed.results ? 'OK' : 'FAILED'));
        if (current.state.startsWith('Compensate') || HOOKS.has(current.state)) current.outcome = 'OK';
        // A Catch leaves the state without a result: the task failed for good.
        if (!current.state.startsWith('Compensate') && !HOOKS.has(current.state) && !result)
          current.outcome = 'FAILED';
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
    kind: r.state.startsWith('Compensate') ? 'compensation' : HOOKS.has(r.state) ? 'hook' : 'action',
  }));
}

/** One line per task: `ReserveStock ✔ › AuthorizePayment ✘ PAYMENT_DECLINED › ↩ CompensateReserveStock`. */
export function describePath(runs: readonly SagaStepRun[]): string {
  return runs
    .map((r) => {
      const retries = r.attempts > 1 ? ` (${r.attempts} attempts)` : '';
      if (r.kind === 'compensation') return `↩ ${r.state.replace(/^Compensate/, 'undo ')}${retries}`;
      if (r.kind === 'hook')
        return r.state === 'OnSuccess' ? 'publish OrderConfirmed' : 'publish OrderCancelled';
      return `${r.state} ${r.outcome === 'OK' ? '✔' : `✘ ${r.outcome}`}${retries}`;
    })
    .join(' › ');
}
