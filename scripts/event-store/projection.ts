import { statusOf } from '../../contracts/domain/catalog.js';
import type { OrderDomainEvent } from '../../contracts/domain/order-events.js';
import type { StoredEvent } from '../../lambdas/shared/event-store.js';
import type { AppClient } from '../shared/app-client.js';

/** An order's row of the status projection: the latest status and the version it came with. */
export interface StatusRow {
  readonly status: string;
  readonly sequence: number;
}

/**
 * The status projection of one order, rebuilt from its events: the status of the last event that
 * publishes one, sequenced by its version, as the relay publishes it (undefined: none yet).
 */
export function statusFromEvents(events: readonly StoredEvent<OrderDomainEvent>[]): StatusRow | undefined {
  let row: StatusRow | undefined;
  for (const e of events) {
    const status = statusOf(e.event.type);
    if (status) row = { status, sequence: e.version };
  }
  return row;
}

export interface ProjectionDifference {
  readonly orderId: string;
  readonly rebuilt?: StatusRow;
  readonly live?: StatusRow;
}

/** Where the live projection differs from the rebuilt one, order by order. */
export function compareProjections(
  rebuilt: ReadonlyMap<string, StatusRow | undefined>,
  live: ReadonlyMap<string, StatusRow | undefined>,
): ProjectionDifference[] {
  const differences: ProjectionDifference[] = [];
  for (const [orderId, row] of rebuilt) {
    const current = live.get(orderId);
    if (row?.status !== current?.status || row?.sequence !== current?.sequence)
      differences.push({ orderId, ...(row ? { rebuilt: row } : {}), ...(current ? { live: current } : {}) });
  }
  return differences;
}

export interface Rebuild {
  readonly rebuilt: ReadonlyMap<string, StatusRow | undefined>;
  readonly differences: readonly ProjectionDifference[];
}

/**
 * Replay every aggregate of the event store into a fresh status projection (in memory), read
 * the live projection for the same orders, and compare. `onProgress` hears how far each part got.
 */
export async function rebuildProjection(
  app: Pick<AppClient, 'eventStore' | 'status'>,
  onProgress: (stage: 'read' | 'compared', count: number, of?: number) => void = () => {},
): Promise<Rebuild> {
  let items = 0;
  const aggregates = await app.eventStore().allAggregates((n) => {
    items += n;
    onProgress('read', items);
  });
  const rebuilt = new Map([...aggregates].map(([orderId, events]) => [orderId, statusFromEvents(events)]));
  const live = new Map<string, StatusRow | undefined>();
  for (const orderId of rebuilt.keys()) {
    live.set(orderId, await app.status(orderId));
    onProgress('compared', live.size, rebuilt.size);
  }
  return { rebuilt, differences: compareProjections(rebuilt, live) };
}
