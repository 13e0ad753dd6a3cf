import type { OrderPlaced } from '../shared/events/order-placed.js';

/** Port: starts a saga execution under a name; reports a duplicate name instead of failing. */
export interface SagaStarter {
  start(name: string, input: unknown): Promise<'started' | 'already-started'>;
}

/**
 * Step Functions execution names: 1-80 characters, none of whitespace, control characters or
 * < > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : /. Cut by code points so no surrogate pair is split.
 */
export function executionName(orderId: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what must go.
  const safe = orderId.replace(/[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/g, '_');
  return [...safe].slice(0, 80).join('');
}

/**
 * Start the fulfilment saga for a placed order, named by the order id: a second OrderPlaced
 * for the same order (a duplicate publish, a replay) cannot start a second run.
 */
export async function startSaga(event: OrderPlaced, starter: SagaStarter) {
  const { data, metadata } = event.detail;
  const name = executionName(data.orderId);
  const result = await starter.start(name, { order: data, metadata });
  return { orderId: data.orderId, execution: name, result };
}
