import { traceExecution } from '../../shared/asl.js';
import type { FunctionInfo, StateMachineInfo } from '../app-structure.js';
import type { Assumptions } from '../assumptions.js';
import { expressCost } from '../billing.js';
import type { SagaPath } from '../model.js';
import { PRICES } from '../prices.js';
import { durationOf, type FunctionLoad, type Ledger, sum } from './ledger.js';

/** The saga's paths: the happy one, and one per step that can refuse, with their shares. */
export function sagaPaths(
  machine: StateMachineInfo,
  functions: readonly FunctionInfo[],
  a: Assumptions,
): SagaPath[] {
  const refusalTotal = sum(Object.values(a.refusals));
  if (Math.abs(refusalTotal - 1) > 1e-9)
    throw new Error(`refusal shares must add up to 1, got ${refusalTotal}.`);
  const cases: Array<{ name: string; share: number; step?: string }> = [
    { name: 'confirmed', share: a.confirmedShare },
    ...Object.entries(a.refusals).map(([step, share]) => ({
      name: `refused at ${step}`,
      share: (1 - a.confirmedShare) * share,
      step,
    })),
  ];
  return cases.map(({ name, share, step }) => {
    if (step !== undefined && machine.definition.States[step]?.Type !== 'Task')
      throw new Error(`the saga has no step '${step}' (refusals name its task states).`);
    const trace = traceExecution(
      machine.definition,
      step ? { [step]: { outcome: 'REFUSED', reason: 'REFUSED' } } : {},
    );
    const resource = (state: string) => String(machine.definition.States[state]?.Resource);
    const tasks = trace.tasks.map(resource);
    const durationMs = sum(
      tasks.map((t) => durationOf(functions, t, a).perInvocationMs + a.expressOverheadMsPerTask),
    );
    return {
      name,
      share,
      transitions: trace.states.length,
      tasks,
      durationMs,
      ...(step ? { refusedBy: resource(step) } : {}),
    };
  });
}

export interface SagaTraffic {
  readonly paths: readonly SagaPath[];
  readonly sagaType: 'STANDARD' | 'EXPRESS';
  readonly executions: number;
  readonly stateTransitions: number;
}

/**
 * Step Functions: one execution per order on the paths the assumptions weigh; Standard bills
 * state transitions, Express requests and GB-hours. Records the steps' load on the way.
 */
export function priceStepFunctions(ledger: Ledger, load: FunctionLoad): SagaTraffic {
  const { structure, orders, a } = ledger;
  const machine = structure.stateMachines[0];
  const paths = machine ? sagaPaths(machine, structure.functions, a) : [];
  const sagaType = machine?.type ?? 'STANDARD';
  const executions = machine ? orders : 0;
  let stateTransitions = 0;
  for (const path of paths) {
    const runs = executions * path.share;
    stateTransitions += runs * path.transitions;
    for (const task of path.tasks)
      load.use(task, runs, 0, durationOf(structure.functions, task, a).perInvocationMs);
  }
  if (machine && sagaType === 'STANDARD') {
    ledger.add({
      service: 'Step Functions',
      item: 'state transitions (Standard)',
      units: stateTransitions,
      unit: 'transitions',
      usd: stateTransitions * PRICES.sfnStandardTransition.usd,
    });
  } else if (machine) {
    let requests = 0;
    let duration = 0;
    let gbHours = 0;
    for (const path of paths) {
      const e = expressCost(executions * path.share, path.durationMs, a.expressMemoryMb);
      requests += e.requests;
      gbHours += e.gbHours;
      duration += e.duration;
    }
    ledger.add({
      service: 'Step Functions',
      item: 'executions (Express)',
      units: executions,
      unit: 'requests',
      usd: requests,
    });
    ledger.add({
      service: 'Step Functions',
      item: 'duration (Express)',
      units: gbHours,
      unit: 'GB-hours',
      usd: duration,
    });
  }
  return { paths, sagaType, executions, stateTransitions };
}
