import type { OrderLogEvent } from '../../contracts/domain/order-log.js';

/** One confirmed order's share of its minute's sales. */
export interface Sale {
  readonly orderId: string;
  /** The minute the order was confirmed in (event time, UTC), e.g. `2026-12-03T13:05`. */
  readonly minute: string;
  readonly currency: string;
  readonly total: number;
}

/** Port: per-minute sales totals, each order counted once however often it is delivered. */
export interface SalesWindows {
  add(sale: Sale): Promise<'added' | 'already counted'>;
}

/**
 * The window a confirmed order falls in, by when it happened rather than when it is read, so
 * a replay of the log puts every order back in the same minute.
 */
export function saleOf(event: OrderLogEvent): Sale | undefined {
  if (event['detail-type'] !== 'OrderConfirmed') return undefined;
  const occurredAt = new Date(event.detail.metadata.occurredAt);
  return {
    orderId: event.detail.data.orderId,
    minute: occurredAt.toISOString().slice(0, 16),
    currency: event.detail.data.currency,
    total: event.detail.data.total,
  };
}

export async function countSale(
  event: OrderLogEvent,
  windows: SalesWindows,
): Promise<{ sale?: Sale; outcome: 'added' | 'already counted' | 'not a sale' }> {
  const sale = saleOf(event);
  if (!sale) return { outcome: 'not a sale' };
  return { sale, outcome: await windows.add(sale) };
}
