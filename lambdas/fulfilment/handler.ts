import { OrderDomainEventSchema } from '../../contracts/domain/order-events.js';
import { CompensatedStateSchema, SagaInputSchema } from '../../contracts/saga-state.js';
import { documentClient } from '../shared/document-client.js';
import { requireEnv } from '../shared/env.js';
import { EventStoreClient } from '../shared/event-store.js';
import { idempotentStep } from '../shared/idempotent-step.js';
import { EventSourcedFulfilmentStore } from './event-sourced-fulfilment-store.js';
import { applyOrderEvent, initialOrder } from './order-aggregate.js';
import { DynamoDbPaymentTokenVault } from './payment-token-vault.js';
import * as steps from './steps.js';

// One bundle, one exported handler per saga task (each function's `handler` names its export).
const events = new EventStoreClient(documentClient(), {
  tableName: requireEnv('EVENT_STORE_TABLE'),
  schema: OrderDomainEventSchema,
  fold: { initial: initialOrder, apply: applyOrderEvent },
  snapshotEvery: Number(requireEnv('EVENT_STORE_SNAPSHOT_EVERY')),
});
const store = new EventSourcedFulfilmentStore(events, {
  client: documentClient(),
  tableName: requireEnv('FULFILMENT_TABLE_NAME'),
});
const vault = new DynamoDbPaymentTokenVault(requireEnv('FULFILMENT_TABLE_NAME'));
const byOrder = { keyOf: (input: { order: { orderId: string } }) => input.order.orderId };

export const reserveStock = idempotentStep(SagaInputSchema, (s) => steps.reserveStock(s, store), byOrder);
export const releaseStock = idempotentStep(SagaInputSchema, (s) => steps.releaseStock(s, store), byOrder);
export const authorizePayment = idempotentStep(
  SagaInputSchema,
  (s) => steps.authorizePayment(s, store, vault),
  byOrder,
);
export const voidPayment = idempotentStep(SagaInputSchema, (s) => steps.voidPayment(s, store), byOrder);
export const createShipment = idempotentStep(SagaInputSchema, (s) => steps.createShipment(s, store), byOrder);
export const cancelShipment = idempotentStep(SagaInputSchema, (s) => steps.cancelShipment(s, store), byOrder);
export const confirmOrder = idempotentStep(SagaInputSchema, (s) => steps.confirmOrder(s, store), byOrder);
export const settleOrder = idempotentStep(SagaInputSchema, (s) => steps.settleOrder(s, store), byOrder);
export const cancelOrder = idempotentStep(
  CompensatedStateSchema,
  (s) => steps.cancelOrder(s, store),
  byOrder,
);
