import type { SagaOrder } from '../../../contracts/saga-state.js';
import type { FulfilmentStore } from '../../../lambdas/fulfilment/fulfilment-store.js';
import {
  type PaymentTokenVault,
  paymentTokenReference,
} from '../../../lambdas/fulfilment/payment-token-vault.js';

type Line = { sku: string; quantity: number; initial: number };

export interface StockItem {
  readonly available: number;
  readonly reserved: number;
}
export interface Reservation {
  readonly status: 'RESERVED' | 'RELEASED';
  readonly lines: readonly Line[];
}
export interface Payment {
  readonly status: 'AUTHORIZED' | 'VOIDED';
  readonly amount: number;
  readonly currency: string;
}
export interface Shipment {
  readonly status: 'CREATED' | 'CANCELLED';
  readonly country: string;
}

/**
 * The fulfilment store in Maps, with the semantics of EventSourcedFulfilmentStore
 * (lambdas/fulfilment/event-sourced-fulfilment-store.ts):
 * - `place` records the order once; `cancel` records the step and reason once.
 * - `reserve` is all or nothing: a SKU seen for the first time starts with the line's `initial`
 *   units; if any line wants more than is available nothing is reserved and it returns false.
 *   An order that already has a reservation returns true and reserves nothing more ("done
 *   before"); one whose reservation was released (or barred) returns false. Like one TransactWriteItems, it refuses two lines of one SKU.
 * - `release` puts the units back only from a RESERVED reservation, which becomes RELEASED.
 * - `authorizePayment`, `createShipment`, `confirm` write only when nothing is there yet
 *   (a repeat keeps the first write).
 * - `voidPayment` / `cancelShipment` change the status only from AUTHORIZED / CREATED.
 * - An undo (`release`, `voidPayment`, `cancelShipment`) with nothing there writes its undone
 *   status (a tombstone), so a late action finds the key taken and does nothing.
 * - `settleConfirmation` keeps a confirmation that is there, else writes ABANDONED.
 * - `countPaymentAttempt` is an atomic counter per order, starting at 1.
 * Reads for assertions return copies, as a table would.
 */
export class InMemoryFulfilmentStore implements FulfilmentStore {
  readonly #stock = new Map<string, StockItem>();
  readonly #reservations = new Map<string, Reservation>();
  readonly #attempts = new Map<string, number>();
  readonly #payments = new Map<string, Payment>();
  readonly #shipments = new Map<string, Shipment>();
  readonly #orders = new Map<string, 'CONFIRMED' | 'ABANDONED'>();

  readonly #placed = new Map<string, SagaOrder>();
  readonly #cancelled = new Map<string, { step: string; reason: string }>();

  async place(order: SagaOrder): Promise<void> {
    if (!this.#placed.has(order.orderId)) this.#placed.set(order.orderId, order);
  }

  async cancel(orderId: string, step: string, reason: string): Promise<void> {
    if (!this.#cancelled.has(orderId)) this.#cancelled.set(orderId, { step, reason });
  }

  async reserve(orderId: string, lines: ReadonlyArray<Line>): Promise<boolean> {
    const existing = this.#reservations.get(orderId);
    if (existing) return existing.status === 'RESERVED';
    const skus = lines.map((line) => line.sku);
    if (new Set(skus).size !== skus.length) {
      // DynamoDB: "Transaction request cannot include multiple operations on one item".
      throw new Error(`ValidationException: a transaction cannot touch one SKU twice (${skus.join(', ')})`);
    }
    const short = lines.some(
      (line) => (this.#stock.get(line.sku)?.available ?? line.initial) < line.quantity,
    );
    if (short) return false;
    for (const line of lines) {
      const item = this.#stock.get(line.sku) ?? { available: line.initial, reserved: 0 };
      this.#stock.set(line.sku, {
        available: item.available - line.quantity,
        reserved: item.reserved + line.quantity,
      });
    }
    this.#reservations.set(orderId, { status: 'RESERVED', lines: lines.map((line) => ({ ...line })) });
    return true;
  }

  async release(orderId: string): Promise<'released' | 'nothing-to-release'> {
    const reservation = this.#reservations.get(orderId);
    if (!reservation) this.#reservations.set(orderId, { status: 'RELEASED', lines: [] });
    if (reservation?.status !== 'RESERVED') return 'nothing-to-release';
    for (const line of reservation.lines) {
      const item = this.#stock.get(line.sku) ?? { available: 0, reserved: 0 };
      this.#stock.set(line.sku, {
        available: item.available + line.quantity,
        reserved: item.reserved - line.quantity,
      });
    }
    this.#reservations.set(orderId, { ...reservation, status: 'RELEASED' });
    return 'released';
  }

  async countPaymentAttempt(orderId: string): Promise<number> {
    const attempts = (this.#attempts.get(orderId) ?? 0) + 1;
    this.#attempts.set(orderId, attempts);
    return attempts;
  }

  async authorizePayment(orderId: string, amount: number, currency: string): Promise<void> {
    if (!this.#payments.has(orderId)) this.#payments.set(orderId, { status: 'AUTHORIZED', amount, currency });
  }

  async voidPayment(orderId: string): Promise<'voided' | 'nothing-to-void'> {
    const payment = this.#payments.get(orderId);
    if (!payment) this.#payments.set(orderId, { status: 'VOIDED', amount: 0, currency: '' });
    if (payment?.status !== 'AUTHORIZED') return 'nothing-to-void';
    this.#payments.set(orderId, { ...payment, status: 'VOIDED' });
    return 'voided';
  }

  async createShipment(orderId: string, country: string): Promise<void> {
    if (!this.#shipments.has(orderId)) this.#shipments.set(orderId, { status: 'CREATED', country });
  }

  async cancelShipment(orderId: string): Promise<'cancelled' | 'nothing-to-cancel'> {
    const shipment = this.#shipments.get(orderId);
    if (!shipment) this.#shipments.set(orderId, { status: 'CANCELLED', country: '' });
    if (shipment?.status !== 'CREATED') return 'nothing-to-cancel';
    this.#shipments.set(orderId, { ...shipment, status: 'CANCELLED' });
    return 'cancelled';
  }

  async confirm(orderId: string): Promise<void> {
    if (!this.#orders.has(orderId)) this.#orders.set(orderId, 'CONFIRMED');
  }

  async settleConfirmation(orderId: string): Promise<'confirmed' | 'abandoned'> {
    if (!this.#orders.has(orderId)) this.#orders.set(orderId, 'ABANDONED');
    return this.#orders.get(orderId) === 'CONFIRMED' ? 'confirmed' : 'abandoned';
  }

  // --- Reads for assertions ---

  placed(orderId: string): SagaOrder | undefined {
    return copy(this.#placed.get(orderId));
  }

  cancellation(orderId: string): { step: string; reason: string } | undefined {
    return copy(this.#cancelled.get(orderId));
  }

  /** A SKU's stock item; undefined until an order first reserved it. */
  stock(sku: string): StockItem | undefined {
    return copy(this.#stock.get(sku));
  }

  reservation(orderId: string): Reservation | undefined {
    return copy(this.#reservations.get(orderId));
  }

  paymentAttempts(orderId: string): number {
    return this.#attempts.get(orderId) ?? 0;
  }

  payment(orderId: string): Payment | undefined {
    return copy(this.#payments.get(orderId));
  }

  shipment(orderId: string): Shipment | undefined {
    return copy(this.#shipments.get(orderId));
  }

  isConfirmed(orderId: string): boolean {
    return this.#orders.get(orderId) === 'CONFIRMED';
  }
}

function copy<T>(value: T | undefined): T | undefined {
  return value === undefined ? undefined : structuredClone(value);
}

/** The payment token vault, in memory, with the reference the real one gives. */
export class InMemoryPaymentTokenVault implements PaymentTokenVault {
  readonly #tokens = new Map<string, string>();

  async deposit(orderId: string, token: string): Promise<string> {
    const reference = paymentTokenReference(orderId);
    this.#tokens.set(reference, token);
    return reference;
  }

  async redeem(reference: string): Promise<string | undefined> {
    return this.#tokens.get(reference);
  }
}
