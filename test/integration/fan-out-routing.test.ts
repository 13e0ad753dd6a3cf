import { beforeAll, describe, expect, it } from 'vitest';
import type { Effect } from '../../scripts/shared/app-client.js';
import { FAN_OUT_CASES } from '../support/routing-cases.js';
import { connect, settled, waitFor } from './support.js';

const app = connect();

const ROUTES = FAN_OUT_CASES;
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
