import type { OrderStatus, OrderStatusChanged } from '../../contracts/events/order-status-changed.js';

export type ProjectionOutcome = 'applied' | 'stale';

/** Port: the status projection store. `advance` must be a compare-and-set on `sequence`. */
export interface StatusProjection {
  /** Store the status if `sequence` is newer than the stored one; otherwise change nothing. */
  advance(
    orderId: string,
    status: OrderStatus,
    sequence: number,
    eventId: string,
  ): Promise<ProjectionOutcome>;
}

/**
 * Apply a status change. Ordering per order comes from the FIFO queue, but a redelivered or
 * re-published older change can still arrive after a newer one: the sequence check makes the
 * projection monotonic whatever the arrival order.
 */
export async function projectStatus(
  event: OrderStatusChanged,
  projection: StatusProjection,
): Promise<{ orderId: string; sequence: number; outcome: ProjectionOutcome }> {
  const { orderId, status, sequence } = event.detail.data;
  const outcome = await projection.advance(orderId, status, sequence, event.detail.metadata.eventId);
  return { orderId, sequence, outcome };
}
