import { describe, expect, it } from 'vitest';
import { newOrderId, orderStatusChanged } from '../../contracts/samples.js';
import { connect, logLines, settled, waitFor } from './support.js';

const app = connect();

describe('the ordered status stream keeps a projection that never goes backwards', () => {
  it('ends at the latest status when an older change is re-published after it', async () => {
    const orderId = newOrderId();
    const steps = (['PLACED', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED', 'SHIPPED'] as const).map((s, i) =>
      orderStatusChanged(orderId, s, i + 1),
    );
    for (const step of steps) await app.publishStatus(step);
    // A late retry of step 2, as a new publish (new dedup id) after step 4 was applied.
    await waitFor('step 4 to be projected', async () =>
      (await app.status(orderId))?.sequence === 4 ? true : undefined,
    );
    await app.publishStatus(orderStatusChanged(orderId, 'STOCK_RESERVED', 2));
    await settled(app);

    expect(await app.status(orderId)).toEqual({ status: 'SHIPPED', sequence: 4 });
  });

  it('keeps the newer status when changes arrive out of order', async () => {
    const orderId = newOrderId();
    await app.publishStatus(orderStatusChanged(orderId, 'PAYMENT_AUTHORIZED', 3));
    await app.publishStatus(orderStatusChanged(orderId, 'PLACED', 1));
    await waitFor('the first change to be projected', async () => (await app.status(orderId)) ?? undefined);
    await settled(app);

    expect(await app.status(orderId)).toEqual({ status: 'PAYMENT_AUTHORIZED', sequence: 3 });
  });

  it('applies every change of one order in publish order', async () => {
    const orderId = newOrderId();
    const statuses = ['PLACED', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED', 'SHIPPED', 'DELIVERED'] as const;
    for (const [i, s] of statuses.entries()) await app.publishStatus(orderStatusChanged(orderId, s, i + 1));
    await settled(app);

    expect(await app.status(orderId)).toEqual({ status: 'DELIVERED', sequence: 5 });
    // In order means no change arrived after a newer one: none was ignored as stale.
    const stale = await logLines(app.output('StatusLogGroupName'), 'older than the projection');
    expect(stale.filter((line) => line.includes(orderId))).toEqual([]);
  });
});
