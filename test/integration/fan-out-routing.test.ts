import { beforeAll, describe, expect, it } from 'vitest';
import type { Effect } from '../../scripts/lib/app-client.js';
import { orderCancelled, orderConfirmed } from '../../scripts/lib/order-events.js';
import { connect, settled, waitFor } from './support.js';

const app = connect();

// Each row: an event and exactly the consumers whose filter policy must let it through.
const ROUTES: ReadonlyArray<{
  name: string;
  event: () => ReturnType<typeof orderConfirmed | typeof orderCancelled>;
  effects: Effect[];
}> = [
  {
    name: 'confirmed web order above the loyalty threshold',
    event: () => orderConfirmed({ total: 150 }),
    effects: ['EMAIL', 'LOYALTY', 'ANALYTICS'],
  },
  {
    name: 'confirmed order exactly at the threshold (100)',
    event: () => orderConfirmed({ total: 100 }),
    effects: ['EMAIL', 'LOYALTY', 'ANALYTICS'],
  },
  {
    name: 'confirmed order just below the threshold (99.99)',
    event: () => orderConfirmed({ total: 99.99 }),
    effects: ['EMAIL', 'ANALYTICS'],
  },
  {
    name: 'confirmed order of zero',
    event: () => orderConfirmed({ total: 0 }),
    effects: ['EMAIL', 'ANALYTICS'],
  },
  {
    name: 'confirmed test-channel order',
    event: () => orderConfirmed({ total: 500, channel: 'test' }),
    effects: ['LOYALTY', 'ANALYTICS'],
  },
  {
    name: 'confirmed order from a channel that merely starts with "test"',
    event: () => orderConfirmed({ total: 500, channel: 'testing-lab' }),
    effects: ['EMAIL', 'LOYALTY', 'ANALYTICS'],
  },
  {
    name: 'confirmed order with a unicode channel',
    event: () => orderConfirmed({ total: 120, channel: 'märkt-✓' }),
    effects: ['EMAIL', 'LOYALTY', 'ANALYTICS'],
  },
  {
    name: 'cancelled order above the threshold',
    event: () => orderCancelled({ total: 500 }),
    effects: ['EMAIL', 'ANALYTICS'],
  },
  {
    name: 'cancelled test-channel order',
    event: () => orderCancelled({ channel: 'test' }),
    effects: ['ANALYTICS'],
  },
];
const ALL: Effect[] = ['EMAIL', 'LOYALTY', 'ANALYTICS'];

describe('the fan-out topic routes each order outcome to exactly the consumers its filters select', () => {
  const published = ROUTES.map((route) => ({ ...route, sent: route.event() }));

  beforeAll(async () => {
    await settled(app);
    for (const p of published) await app.publishOutcome(p.sent);
    for (const p of published) {
      await waitFor(`effects of "${p.name}"`, async () => {
        const counts = await app.effectCounts(p.sent.detail.data.orderId);
        return p.effects.every((e) => counts[e] >= 1) ? counts : undefined;
      });
    }
    await settled(app);
  });

  it.each(published)('$name reaches $effects and nothing else', async ({ sent, effects }) => {
    const counts = await app.effectCounts(sent.detail.data.orderId);
    const expected = Object.fromEntries(ALL.map((e) => [e, effects.includes(e) ? 1 : 0]));
    expect({ EMAIL: counts.EMAIL, LOYALTY: counts.LOYALTY, ANALYTICS: counts.ANALYTICS }).toEqual(expected);
  });
});
