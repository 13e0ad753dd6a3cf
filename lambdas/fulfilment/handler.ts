import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CompensatedStateSchema, SagaInputSchema } from '../../contracts/saga-state.js';
import { requireEnv } from '../shared/env.js';
import { idempotentStep } from '../shared/idempotent-step.js';
import { tracer } from '../shared/powertools.js';
import { EventPublisher } from '../shared/publisher.js';
import { DynamoDbFulfilmentStore } from './dynamodb-fulfilment-store.js';
import { DynamoDbPaymentTokenVault } from './payment-token-vault.js';
import * as steps from './steps.js';

// One bundle, one exported handler per saga task (each function's `handler` names its export).
const store = new DynamoDbFulfilmentStore(requireEnv('FULFILMENT_TABLE_NAME'));
const vault = new DynamoDbPaymentTokenVault(requireEnv('FULFILMENT_TABLE_NAME'));
let publisher: EventPublisher | undefined;
const events = () => {
  publisher ??= new EventPublisher(tracer.captureAWSv3Client(new EventBridgeClient({})), {
    busName: requireEnv('EVENT_BUS_NAME'),
  });
  return publisher;
};
const byOrder = { keyPath: 'order.orderId' };

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
export const publishConfirmed = idempotentStep(
  SagaInputSchema,
  (s) => steps.publishConfirmed(s, events()),
  byOrder,
);
export const publishCancelled = idempotentStep(
  CompensatedStateSchema,
  (s) => steps.publishCancelled(s, events()),
  byOrder,
);
