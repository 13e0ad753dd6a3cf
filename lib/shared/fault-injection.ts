import { type IAspect, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';

/** The environment variable that carries a function's fault settings (absent: no faults). */
export const FAULT_INJECTION_ENV = 'FAULT_INJECTION';

export type FaultMode = 'error' | 'timeout';

export interface FaultSettings {
  /** Fraction of calls that fail, 0-1. */
  readonly rate: number;
  /** `error`: throw a retryable fault; `timeout`: run past the function timeout. */
  readonly mode: FaultMode;
  /**
   * Only this call of each fault key can fail, 1 being the first. A key counts the calls of
   * one message delivery, one step's request, or one relay batch (its records with an outbox):
   * `call: 2` with `rate: 1` stops every relay batch after its first record.
   * @default every call
   */
  readonly call?: number;
}

export interface FaultPlan {
  /** Same seed, same calls fail. */
  readonly seed: number;
  /**
   * By construct id of the function or of a construct it is in, below its stack (e.g.
   * `AuthorizePayment`, `EmailNotifier`).
   */
  readonly targets: Readonly<Record<string, FaultSettings>>;
}

/**
 * Parse the `faults` CDK context, e.g.
 * `-c faults='{"seed":7,"targets":{"AuthorizePayment":{"rate":0.1,"mode":"error"}}}'`.
 * Returns undefined when the context is absent: the default app has no fault injection.
 */
export function faultPlanFromContext(value: unknown): FaultPlan | undefined {
  if (value === undefined) return undefined;
  const plan = (typeof value === 'string' ? JSON.parse(value) : value) as Partial<FaultPlan>;
  if (typeof plan.seed !== 'number' || !Number.isInteger(plan.seed)) {
    throw new Error('faults: "seed" must be a whole number (the same seed makes the same calls fail).');
  }
  const targets = plan.targets ?? {};
  if (Object.keys(targets).length === 0)
    throw new Error('faults: name at least one target function in "targets".');
  for (const [name, t] of Object.entries(targets)) {
    if (typeof t.rate !== 'number' || t.rate < 0 || t.rate > 1)
      throw new Error(`faults: ${name}.rate must be from 0 to 1.`);
    if (t.mode !== 'error' && t.mode !== 'timeout')
      throw new Error(`faults: ${name}.mode must be "error" or "timeout".`);
    if (t.call !== undefined && (!Number.isInteger(t.call) || t.call < 1))
      throw new Error(`faults: ${name}.call must be a whole number from 1.`);
  }
  return { seed: plan.seed, targets };
}

/**
 * Test deployments only: gives the chosen functions fault settings in their environment; the
 * shared handler adapters (lambdas/shared/faults.ts) read them. bin/app.ts applies this only
 * when the `faults` context is set, so the default app carries no trace of it.
 */
export class FaultInjection implements IAspect {
  private readonly matched = new Set<string>();

  constructor(private readonly plan: FaultPlan) {}

  public visit(node: IConstruct): void {
    if (!(node instanceof lambda.Function)) return;
    // A function sits a few levels down (EmailNotifier/Function/Default): any level names it.
    const stack = Stack.of(node);
    const names = node.node.scopes
      .filter((c) => c !== stack && c.node.scopes.includes(stack))
      .map((c) => c.node.id);
    const name = names.find((n) => n in this.plan.targets);
    const settings = name ? this.plan.targets[name] : undefined;
    if (!name || !settings) return;
    node.addEnvironment(FAULT_INJECTION_ENV, JSON.stringify({ ...settings, seed: this.plan.seed }));
    this.matched.add(name);
  }

  /** Target names that matched no function (typos), for a clear error after synthesis. */
  public unmatched(): string[] {
    return Object.keys(this.plan.targets).filter((n) => !this.matched.has(n));
  }
}
