import { describe, expect, it } from 'vitest';
import type { OrderStatus } from '../../../contracts/events/order-status-changed.js';
import { orderStatusChanged } from '../../../contracts/samples.js';
import {
  type ProjectionOutcome,
  projectStatus,
  type StatusProjection,
} from '../../../lambdas/order-status-projection/project-status.js';

interface Projected {
  readonly status: OrderStatus;
  readonly sequence: number;
  readonly lastEventId: string;
}

/** The projection in a Map, with the same compare-and-set as the DynamoDB adapter's condition. */
class InMemoryStatusProjection implements StatusProjection {
  readonly orders = new Map<string, Projected>();

  async advance(
    orderId: string,
    status: OrderStatus,
    sequence: number,
    eventId: string,
  ): Promise<ProjectionOutcome> {
    const current = this.orders.get(orderId);
    if (current !== undefined && current.sequence >= sequence) return 'stale';
    this.orders.set(orderId, { status, sequence, lastEventId: eventId });
    return 'applied';
  }
}

const STATUSES: Record<number, OrderStatus> = {
  1: 'PLACED',
  2: 'STOCK_RESERVED',
  3: 'PAYMENT_AUTHORIZED',
  4: 'SHIPPED',
};
const change = (orderId: string, sequence: number) =>
  orderStatusChanged(orderId, STATUSES[sequence] ?? 'DELIVERED', sequence);

async function applyAll(projection: StatusProjection, orderId: string, sequences: number[]) {
  const outcomes: ProjectionOutcome[] = [];
  for (const sequence of sequences)
    outcomes.push((await projectStatus(change(orderId, sequence), projection)).outcome);
  return outcomes;
}

describe('projectStatus', () => {
  it('leaves the latest status after 1, 2, 3, 4 and then 2 again', async () => {
    const projection = new InMemoryStatusProjection();
    await applyAll(projection, 'ord-1', [1, 2, 3, 4, 2]);
    expect(projection.orders.get('ord-1')).toMatchObject({ status: 'SHIPPED', sequence: 4 });
  });

  it('calls the older change that arrives late stale', async () => {
    const projection = new InMemoryStatusProjection();
    expect(await applyAll(projection, 'ord-1', [1, 2, 3, 4, 2])).toEqual([
      'applied',
      'applied',
      'applied',
      'applied',
      'stale',
    ]);
  });

  it('keeps 3 when 1 arrives after it', async () => {
    const projection = new InMemoryStatusProjection();
    await applyAll(projection, 'ord-1', [3, 1]);
    expect(projection.orders.get('ord-1')).toMatchObject({ status: 'PAYMENT_AUTHORIZED', sequence: 3 });
  });

  it('reports the change older than the projection as stale', async () => {
    const projection = new InMemoryStatusProjection();
    await applyAll(projection, 'ord-1', [3]);
    expect(await projectStatus(change('ord-1', 1), projection)).toEqual({
      orderId: 'ord-1',
      sequence: 1,
      outcome: 'stale',
    });
  });

  it('reports the same change delivered twice as stale the second time', async () => {
    const projection = new InMemoryStatusProjection();
    expect(await applyAll(projection, 'ord-1', [2, 2])).toEqual(['applied', 'stale']);
  });

  it('applies a change that skips sequences', async () => {
    const projection = new InMemoryStatusProjection();
    expect(await applyAll(projection, 'ord-1', [1, 4])).toEqual(['applied', 'applied']);
  });

  it('keeps each order’s projection apart', async () => {
    const projection = new InMemoryStatusProjection();
    await applyAll(projection, 'ord-1', [4]);
    expect(await applyAll(projection, 'ord-2', [1])).toEqual(['applied']);
  });

  it('stores the event id of the change it applied', async () => {
    const projection = new InMemoryStatusProjection();
    const event = change('ord-1', 1);
    await projectStatus(event, projection);
    expect(projection.orders.get('ord-1')?.lastEventId).toBe(event.detail.metadata.eventId);
  });
});
