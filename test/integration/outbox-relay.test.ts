import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { placeOrder } from '../../contracts/samples.js';
import { FAULT_INJECTION_ENV, type FaultSettings } from '../../lib/shared/fault-injection.js';
import { redriveDeadLetters } from '../../scripts/dead-letters/redrive-command.js';
import { clientConfig, DEFAULT_ENDPOINT, emulatorEnv } from '../../scripts/emulator/emulator.js';
import { statusFromEvents } from '../../scripts/event-store/projection.js';
import type { AppClient } from '../../scripts/shared/app-client.js';
import { connect, logLines, settled, waitFor } from './support.js';

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

  it('npm run redrive -- --relay-dlq relays an on-failure batch again, and each consumer sees the outcome once', async () => {
    const order = placeOrder({ total: 150 });
    const id = order.data.orderId;
    await app.setRelayEnabled(false);
    try {
      await app.publisher.publish([order]);
      await app.sagaEnd(id);
      // What Lambda writes to the on-failure destination after a batch's last retry (AWS only):
      // the batch's stream position, here the order's records, which the stopped relay never read.
      const records = await streamRecordsOf(app, id);
      expect(records.length).toBeGreaterThan(0);
      await app.sqs.send(
        new SendMessageCommand({
          QueueUrl: app.sagaOutput('OutboxRelayDlqUrl'),
          MessageBody: JSON.stringify({
            requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 11 },
            DDBStreamBatchInfo: {
              shardId: records[0]?.shardId,
              startSequenceNumber: records[0]?.sequenceNumber,
              endSequenceNumber: records.at(-1)?.sequenceNumber,
              streamArn: records[0]?.streamArn,
              batchSize: records.length,
            },
          }),
        }),
      );

      const { reports, problems } = await redriveDeadLetters({
        command: 'redrive',
        mode: 'relay',
        rate: 10,
        dryRun: false,
        mover: false,
        timeoutSeconds: 60,
        aws: false,
      });

      expect(problems).toBe(0);
      expect(reports.map((r) => [r.queue.kind, r.result?.moved])).toEqual([['stream-relay', 1]]);
      const counts = await waitFor(`the redriven outcome of ${id}`, async () => {
        const c = await app.effectCounts(id);
        return c.ANALYTICS >= 1 && c.EMAIL >= 1 && c.LOYALTY >= 1 ? c : undefined;
      });
      expect(counts).toEqual({ EMAIL: 1, LOYALTY: 1, ANALYTICS: 1, STATUS: 1 });
      expect((await app.depth(app.sagaOutput('OutboxRelayDlqUrl'))).visible).toBe(0);
    } finally {
      await app.setRelayEnabled(true);
    }
    // The relay, started again, publishes the same records once more: still one effect each.
    const since = Date.now();
    await waitFor(`the relay to publish ${id} again`, async () =>
      (await logLines(app.sagaOutput('OutboxRelayLogGroupName'), id, since)).some((l) =>
        l.includes('OrderConfirmed'),
      )
        ? true
        : undefined,
    );
    await settled(app);
    expect(await app.effectCounts(id)).toEqual({ EMAIL: 1, LOYALTY: 1, ANALYTICS: 1, STATUS: 1 });
  });
});

/** The store's stream records of one order, in stream order (the emulator's stream has one shard). */
async function streamRecordsOf(client: AppClient, orderId: string) {
  const config = clientConfig(emulatorEnv(process.env.AWS_ENDPOINT_URL ?? DEFAULT_ENDPOINT));
  const streams = new DynamoDBStreamsClient(config);
  const { Table } = await new DynamoDBClient(config).send(
    new DescribeTableCommand({ TableName: client.sagaOutput('EventStoreTableName') }),
  );
  const streamArn = Table?.LatestStreamArn ?? '';
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
  const found: { shardId: string; sequenceNumber: string; streamArn: string }[] = [];
  for (const shard of StreamDescription?.Shards ?? []) {
    const shardId = shard.ShardId ?? '';
    let { ShardIterator: iterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    while (iterator) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      for (const r of page.Records ?? [])
        if (r.dynamodb?.Keys?.aggregateId?.S === orderId && r.dynamodb.SequenceNumber)
          found.push({ shardId, sequenceNumber: r.dynamodb.SequenceNumber, streamArn });
      iterator = (page.Records ?? []).length > 0 ? page.NextShardIterator : undefined;
    }
  }
  return found;
}
