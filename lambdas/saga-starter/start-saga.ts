import { createHash } from 'node:crypto';
import type { OrderPlaced } from '../../contracts/events/order-placed.js';
import type { SagaInput } from '../../contracts/saga-state.js';
import type { PaymentTokenVault } from '../fulfilment/payment-token-vault.js';
import { PoisonMessageError } from '../shared/errors.js';

/** Port: starts a saga execution under a name; reports a duplicate name instead of failing. */
export interface SagaStarter {
  start(name: string, input: unknown): Promise<'started' | 'already-started'>;
  /** The orderId in the input of the existing execution called `name` (undefined if it has none). */
  orderIdOf(name: string): Promise<string | undefined>;
}

/** Step Functions' limit on an execution name, in characters. */
export const EXECUTION_NAME_MAX = 80;
/** 128 bits of SHA-256, in hex: what a changed or cut id's name ends with. */
const HASH_HEX = 32;
/** The shape of a name that carries a hash. An id that looks like one is hashed too. */
const HASHED_NAME = new RegExp(`-[0-9a-f]{${HASH_HEX}}$`);

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what must go.
const FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

/**
 * The execution name for an order: a one-to-one function of the order id, so that two orders
 * can never share a run. An id that is already a valid name is used as it is. Any other id
 * (a forbidden character, over 80 characters, or the shape of a hashed name) becomes a
 * readable prefix with Step Functions' forbidden characters replaced, then `-` and a hash of
 * the whole id. Names of the first kind never end like the second, so no two ids meet.
 * Step Functions names: 1-80 characters, none of whitespace, control characters or
 * < > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : /. Counted by code points so no surrogate pair is split.
 */
export function executionName(orderId: string): string {
  const characters = [...orderId];
  const valid = !FORBIDDEN.test(orderId) && characters.length <= EXECUTION_NAME_MAX;
  if (valid && !HASHED_NAME.test(orderId)) return orderId;
  const prefix = [...orderId.replace(new RegExp(FORBIDDEN, 'g'), '_')]
    .slice(0, EXECUTION_NAME_MAX - HASH_HEX - 1)
    .join('');
  const hash = createHash('sha256').update(orderId, 'utf8').digest('hex').slice(0, HASH_HEX);
  return `${prefix}-${hash}`;
}

/** arn:…:stateMachine:<machine> → arn:…:execution:<machine>:<name>. */
export function executionArn(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/**
 * Start the fulfilment saga for a placed order, named by the order id: a second OrderPlaced
 * for the same order (a duplicate publish, a replay) cannot start a second run. A name taken
 * by another order's run would drop this order without a trace, so it is checked: such a
 * record can never succeed and goes to the dead-letter queue with the reason.
 */
export async function startSaga(event: OrderPlaced, starter: SagaStarter, vault: PaymentTokenVault) {
  const { data, metadata } = event.detail;
  const name = executionName(data.orderId);
  // The saga carries a reference, never the token: its input stays in the history for 90 days.
  const { paymentToken, ...order } = data;
  const paymentTokenRef = paymentToken ? await vault.deposit(data.orderId, paymentToken) : undefined;
  const input: SagaInput = { order: { ...order, ...(paymentTokenRef ? { paymentTokenRef } : {}) }, metadata };
  const result = await starter.start(name, input);
  if (result === 'already-started') {
    const owner = await starter.orderIdOf(name);
    if (owner !== data.orderId) {
      throw new PoisonMessageError(
        `execution '${name}' already exists for order ${JSON.stringify(owner ?? null)}, not for order ${JSON.stringify(data.orderId)}: this order's saga was not started`,
      );
    }
  }
  return { orderId: data.orderId, execution: name, result };
}
