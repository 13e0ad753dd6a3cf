import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { OrderDomainEvent } from '../../contracts/domain/order-events.js';
import type { SagaOrder } from '../../contracts/saga-state.js';
import {
  type Append,
  appendWithRetry,
  ConditionFailedError,
  type EventStoreClient,
  type Loaded,
} from '../shared/event-store.js';
import type { FulfilmentStore } from './fulfilment-store.js';
import type { OrderState } from './order-aggregate.js';
import { type OutboxClock, outboxFor } from './order-outbox.js';
import { fulfilmentKeys, giveBackStock, takeStock } from './stock-items.js';

/** What a step decided to append: its events, and the stock writes that go with them. */
type Decision = Pick<Append<OrderDomainEvent>, 'events' | 'alongside'>;

/**
 * The fulfilment service's state as the Order aggregate's events in the event store. Every
 * step decides on the order's current version and appends what it did, with the integration
 * events that causes (the outbox) in the same transaction; a repeat finds its event there and
 * appends nothing. Stock is a shared resource, not part of one order: its counters stay in the
 * service table and change in the same transaction as the StockReserved or StockReleased.
 */
export class EventSourcedFulfilmentStore implements FulfilmentStore {
  constructor(
    private readonly events: EventStoreClient<OrderDomainEvent, OrderState>,
    private readonly table: {
      readonly client: Pick<DynamoDBDocumentClient, 'send'>;
      readonly tableName: string;
    },
    private readonly clock: OutboxClock = {
      now: () => new Date().toISOString(),
      newId: () => crypto.randomUUID(),
    },
  ) {}

  /** Decide on the current state and append, again on a concurrent append; returns the state decided on and whether it appended. */
  private async decide(orderId: string, decide: (state: OrderState) => Decision | undefined) {
    let seen: OrderState | undefined;
    const result = await appendWithRetry(
      this.events,
      orderId,
      (loaded: Loaded<OrderDomainEvent, OrderState>) => {
        seen = loaded.state;
        const decision = decide(loaded.state);
        return decision && { ...decision, outbox: outboxFor(loaded.state, decision.events, this.clock) };
      },
    );
    if (!seen) throw new Error(`order ${orderId} was never loaded`);
    return { state: seen, appended: result.appended > 0 };
  }

  /** The order enters fulfilment: OrderPlaced, once. */
  async place(order: SagaOrder, cause: { eventId: string; correlationId: string }): Promise<void> {
    await this.decide(order.orderId, (s) =>
      s.order ? undefined : { events: [{ type: 'OrderPlaced', data: { order, cause } }] },
    );
  }

  async reserve(
    orderId: string,
    lines: ReadonlyArray<{ sku: string; quantity: number; initial: number }>,
  ): Promise<boolean> {
    const take = lines.map((line) => takeStock(this.table.tableName, line));
    const reserved = lines.map(({ sku, quantity }) => ({ sku, quantity }));
    try {
      const { state, appended } = await this.decide(orderId, (s) =>
        s.stock === 'NONE'
          ? { events: [{ type: 'StockReserved', data: { lines: reserved } }], alongside: take }
          : undefined,
      );
      return appended || state.stock === 'DONE';
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
      // Some SKU lacks stock: record the refusal (unless another attempt decided first).
      const { state, appended } = await this.decide(orderId, (s) =>
        s.stock === 'NONE'
          ? { events: [{ type: 'StockRefused', data: { reason: 'OUT_OF_STOCK' } }] }
          : undefined,
      );
      return !appended && state.stock === 'DONE';
    }
  }

  async release(orderId: string): Promise<'released' | 'nothing-to-release'> {
    const { state, appended } = await this.decide(orderId, (s) => {
      // Nothing reserved yet: the release still goes on record, and bars a late reservation.
      if (s.stock === 'NONE') return { events: [{ type: 'StockReleased', data: {} }] };
      if (s.stock !== 'DONE') return undefined;
      const giveBack = s.reservedLines.map((line) => giveBackStock(this.table.tableName, line));
      return { events: [{ type: 'StockReleased', data: {} }], alongside: giveBack };
    });
    return appended && state.stock === 'DONE' ? 'released' : 'nothing-to-release';
  }

  /** Not a fact of the order: a counter the simulated flaky provider reads. */
  async countPaymentAttempt(orderId: string): Promise<number> {
    const result = await this.table.client.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: fulfilmentKeys.order(orderId, 'PAYMENT_ATTEMPTS'),
        UpdateExpression: 'ADD attempts :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(result.Attributes?.attempts ?? 1);
  }

  async authorizePayment(orderId: string, amount: number, currency: string): Promise<void> {
    await this.decide(orderId, (s) =>
      s.payment === 'NONE' && s.stock === 'DONE'
        ? { events: [{ type: 'PaymentAuthorized', data: { amount, currency } }] }
        : undefined,
    );
  }

  async voidPayment(orderId: string): Promise<'voided' | 'nothing-to-void'> {
    const { state, appended } = await this.decide(orderId, (s) =>
      s.payment === 'NONE' || s.payment === 'DONE'
        ? { events: [{ type: 'PaymentVoided', data: {} }] }
        : undefined,
    );
    return appended && state.payment === 'DONE' ? 'voided' : 'nothing-to-void';
  }

  async createShipment(orderId: string, country: string): Promise<void> {
    await this.decide(orderId, (s) =>
      s.shipment === 'NONE' && s.payment === 'DONE'
        ? { events: [{ type: 'ShipmentCreated', data: { country } }] }
        : undefined,
    );
  }

  async cancelShipment(orderId: string): Promise<'cancelled' | 'nothing-to-cancel'> {
    const { state, appended } = await this.decide(orderId, (s) =>
      s.shipment === 'NONE' || s.shipment === 'DONE'
        ? { events: [{ type: 'ShipmentCancelled', data: {} }] }
        : undefined,
    );
    return appended && state.shipment === 'DONE' ? 'cancelled' : 'nothing-to-cancel';
  }

  async confirm(orderId: string): Promise<void> {
    await this.decide(orderId, (s) =>
      !s.outcome &&
      !s.confirmationBarred &&
      s.stock === 'DONE' &&
      s.payment === 'DONE' &&
      s.shipment === 'DONE'
        ? { events: [{ type: 'OrderConfirmed', data: {} }] }
        : undefined,
    );
  }

  async settleConfirmation(orderId: string): Promise<'confirmed' | 'abandoned'> {
    const { state } = await this.decide(orderId, (s) =>
      s.outcome?.status === 'CONFIRMED' || s.confirmationBarred
        ? undefined
        : { events: [{ type: 'ConfirmationBarred', data: {} }] },
    );
    return state.outcome?.status === 'CONFIRMED' ? 'confirmed' : 'abandoned';
  }

  /** After the compensations: OrderCancelled with the step and reason, and its outcome events, once. */
  async cancel(
    orderId: string,
    step: string,
    reason: Extract<OrderDomainEvent, { type: 'OrderCancelled' }>['data']['reason'],
  ): Promise<void> {
    await this.decide(orderId, (s) =>
      s.outcome ? undefined : { events: [{ type: 'OrderCancelled', data: { step, reason } }] },
    );
  }
}
