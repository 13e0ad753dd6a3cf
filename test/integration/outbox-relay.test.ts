import { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { placeOrder } from '../../contracts/samples.js';
import { FAULT_INJECTION_ENV, type FaultSettings } from '../../lib/shared/fault-injection.js';
import { statusFromEvents } from '../../scripts/event-store/projection.js';
import type { AppClient } from '../../scripts/shared/app-client.js';
import { connect, logLines, waitFor } from './support.js';

const app = connect();

/**
 * Give the deployed relay fault settings (undefined: none), as a chaos deployment would. The
 * emulator starts a fresh worker after a failed batch, which reads the new environment.
 */
async function setRelayFaults(client: AppClient, faults: FaultSettings | undefined): Promise<void> {
  const FunctionName = client.sagaOutput('OutboxRelayFunctionName');
  const config = await client.lambda.send(new GetFunctionConfigurationCommand({ FunctionName }));
  const { [FAULT_INJECTION_ENV]: _previous, ...variables } = config.Environment?.Variables ?? {};
  await client.lambda.send(
    new UpdateFunctionConfigurationCommand({
      FunctionName,
      Environment: {
        Variables: faults
          ? { ...variables, [FAULT_INJECTION_ENV]: JSON.stringify({ ...faults, seed: 1 }) }
          : variables,
      },
    }),
  );
}

describe('the outbox relay', () => {
  it('stopped in the middle of a batch and started again, loses nothing and doubles nothing downstream', async () => {
    const logGroup = app.sagaOutput('OutboxRelayLogGroupName');
    const orders = [
      placeOrder({ total: 150 }),
      placeOrder({ total: 150 }),
      placeOrder({ total: 150, paymentToken: 'tok_declined' }),
    ];
    const ids = orders.map((o) => o.data.orderId);
    const since = Date.now();
    await app.setRelayEnabled(false);
    try {
      await app.publisher.publish(orders);
      const ends = await Promise.all(ids.map((id) => app.sagaEnd(id)));
      expect(ends.map((e) => JSON.parse(e.output ?? '{}').outcome)).toEqual([
        'CONFIRMED',
        'CONFIRMED',
        'CANCELLED',
      ]);
      // The outcomes are in the store's outbox, and nothing has left it.
      for (const id of ids)
        expect(await app.effectCounts(id)).toEqual({ EMAIL: 0, LOYALTY: 0, ANALYTICS: 0, STATUS: 0 });

      // Every relay batch now stops after its first record with an outbox: published, then a crash.
      await setRelayFaults(app, { rate: 1, mode: 'error', call: 2 });
      await app.setRelayEnabled(true);
      await waitFor('the relay to stop in the middle of a batch', async () =>
        (await logLines(logGroup, 'Injected fault', since)).length > 0 ? true : undefined,
      );
      await app.setRelayEnabled(false);
      // What the batch published before it stopped arrives; no outcome got that far.
      const partway = await waitFor('the records published before the stop', async () => {
        const counts = await Promise.all(ids.map((id) => app.effectCounts(id)));
        return counts.some((c) => c.STATUS === 1) ? counts : undefined;
      });
      expect(partway.every((c) => c.ANALYTICS === 0 && c.EMAIL === 0)).toBe(true);

      await setRelayFaults(app, undefined);
      await app.setRelayEnabled(true);
    } finally {
      await setRelayFaults(app, undefined);
      await app.setRelayEnabled(true);
    }

    // Everything arrives, each effect once: the records published before the stop went out
    // again with the same eventId and idempotency key, and the consumers de-duplicated them.
    const expected = (id: string) => ({
      EMAIL: 1,
      LOYALTY: id === ids[2] ? 0 : 1,
      ANALYTICS: 1,
      STATUS: 1,
    });
    for (const id of ids) {
      const counts = await waitFor(
        `every effect of ${id}`,
        async () => {
          const c = await app.effectCounts(id);
          return c.ANALYTICS >= 1 && c.EMAIL >= 1 ? c : undefined;
        },
        { timeoutMs: 90_000 },
      );
      expect(counts).toEqual(expected(id));
      // The projection ends where a rebuild from the order's events ends (a confirmed order: SHIPPED).
      const rebuilt = statusFromEvents(await app.eventStore().history(id));
      expect(rebuilt?.status).toBe(id === ids[2] ? 'CANCELLED' : 'SHIPPED');
      expect(
        await waitFor(`the final status of ${id}`, async () => {
          const row = await app.status(id);
          return row?.sequence === rebuilt?.sequence ? row : undefined;
        }),
      ).toEqual(rebuilt);
    }
    const relayed = (await logLines(logGroup, 'Relaying outbox', since)).filter((l) =>
      ids.some((id) => l.includes(id)),
    );
    const records = (await Promise.all(ids.map((id) => app.eventStore().history(id))))
      .flat()
      .filter((e) => (e.outbox?.length ?? 0) > 0);
    expect(relayed.length).toBeGreaterThan(records.length);
  });
});
