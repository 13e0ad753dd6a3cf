import type { PublishBatchCommand, PublishBatchRequestEntry } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { orderConfirmed } from '../../../../contracts/samples.js';
import type { DeadLetterQueue } from '../../../../scripts/dead-letters/dead-letters.js';
import {
  busFromRuleArn,
  eventOf,
  isUnsupportedAction,
  redrive,
  toBus,
  toQueue,
  transfer,
} from '../../../../scripts/dead-letters/redrive.js';
import { accepted, FakeEventBridge, rejected } from '../../support/event-bridge.js';
import { FakeClock, FakeSqs, queueArn, unknownAction } from '../../support/fake-sqs.js';

const OURS = {
  failureReason: 'schema validation failed: detail.data.total: expected number',
  sourceQueueArn: queueArn('EmailQueue'),
  originalMessageId: 'orig-1',
};

function setup(fifo = false) {
  const clock = new FakeClock();
  const sqs = new FakeSqs(clock);
  const suffix = fifo ? '.fifo' : '';
  const source = sqs.addQueue(`EmailQueue${suffix}`, `EmailQueue-dlq${suffix}`);
  const dlq = sqs.addQueue(`EmailQueue-dlq${suffix}`);
  const queue: DeadLetterQueue = {
    name: 'OrderNotifications/EmailQueue',
    shortName: 'notifications/email',
    path: 'OrderNotifications/EmailQueue/DeadLetterQueue/Resource',
    stackName: 'OrderNotifications',
    logicalId: 'EmailQueueDeadLetterQueue',
    url: dlq,
    arn: queueArn(`EmailQueue-dlq${suffix}`),
    fifo,
    kind: 'queue',
    sourceQueues: [{ url: source, arn: queueArn(`EmailQueue${suffix}`) }],
    topicArns: [],
    busNames: [],
    streamRelays: [],
    usedBy: [],
  };
  return { clock, sqs, source, dlq, queue, pacing: { sleep: clock.sleep, now: clock.now } };
}

describe('redriving a queue DLQ with the script mover', () => {
  it('moves every message to the source with the same body and attributes, minus the three dead-letter attributes', async () => {
    const { sqs, source, dlq, pacing } = setup();
    for (let i = 0; i < 12; i++) {
      sqs.put(dlq, `body-${i}`, { attributes: { correlationId: `corr-${i}`, ...OURS } });
    }

    const result = await transfer(sqs.asClient(), dlq, toQueue(sqs.asClient(), source, false), pacing);

    expect(result).toMatchObject({ moved: 12, failed: 0, heldBack: 0, notDeleted: 0, left: 0 });
    expect(sqs.bodies(source)).toEqual(Array.from({ length: 12 }, (_, i) => `body-${i}`));
    const copy = sqs.queue(source)[3];
    expect(copy?.attributes).toEqual({ correlationId: { DataType: 'String', StringValue: 'corr-3' } });
    expect(sqs.queue(dlq)).toEqual([]);
  });

  it('deletes from the DLQ only the entries the send acknowledged; a failed copy stays, sent once', async () => {
    const { sqs, source, dlq, pacing } = setup();
    for (const body of ['a', 'poison-b', 'c', 'd']) sqs.put(dlq, body);
    sqs.failSend = (entry) => (entry.MessageBody?.startsWith('poison') ? 'throttled' : undefined);

    const result = await transfer(sqs.asClient(), dlq, toQueue(sqs.asClient(), source, false), pacing);

    expect(result).toMatchObject({ moved: 3, failed: 1, left: 1 });
    expect(result.failures).toEqual([{ messageId: expect.any(String), reason: 'InternalError: throttled' }]);
    expect(sqs.bodies(source)).toEqual(['a', 'c', 'd']);
    expect(sqs.bodies(dlq)).toEqual(['poison-b']);
    const sends = sqs.calls.filter((c) => c.name === 'SendMessageBatch');
    const poisonSends = sends.flatMap((c) => c.input.Entries as { MessageBody: string }[]);
    expect(poisonSends.filter((e) => e.MessageBody === 'poison-b')).toHaveLength(1);
  });

  it('deletes nothing when the send fails as a whole', async () => {
    const { sqs, source, dlq, pacing } = setup();
    for (const body of ['a', 'b', 'c']) sqs.put(dlq, body);
    sqs.throwOnSend = () => new Error('socket hang up');

    const result = await transfer(sqs.asClient(), dlq, toQueue(sqs.asClient(), source, false), pacing);

    expect(result).toMatchObject({ moved: 0, failed: 3, left: 3 });
    expect(result.failures.map((f) => f.reason)).toEqual(Array(3).fill('socket hang up'));
    expect(sqs.callNames).not.toContain('DeleteMessageBatch');
    expect(sqs.bodies(dlq)).toEqual(['a', 'b', 'c']);
  });

  it('counts a copy whose delete failed, and does not send it again in the same run', async () => {
    const { sqs, source, dlq, pacing } = setup();
    sqs.put(dlq, 'a');
    sqs.put(dlq, 'b');
    sqs.failDelete = (receipt) => receipt.includes('msg-1-');

    const result = await transfer(sqs.asClient(), dlq, toQueue(sqs.asClient(), source, false), {
      ...pacing,
      visibilityTimeoutSeconds: 0, // it reappears at once
    });

    expect(result).toMatchObject({ moved: 2, notDeleted: 1, left: 1 });
    expect(sqs.bodies(source)).toEqual(['a', 'b']);
  });

  it('FIFO: keeps each message group and gives every copy a fresh deduplication id', async () => {
    const { sqs, source, dlq, pacing } = setup(true);
    sqs.put(dlq, 'o1-1', { groupId: 'order-1', dedupId: 'd-1' });
    sqs.put(dlq, 'o2-1', { groupId: 'order-2', dedupId: 'd-2' });
    sqs.put(dlq, 'o1-2', { groupId: 'order-1', dedupId: 'd-3' });

    const result = await transfer(sqs.asClient(), dlq, toQueue(sqs.asClient(), source, true), pacing);

    expect(result).toMatchObject({ moved: 3, failed: 0 });
    const copies = sqs.queue(source);
    expect(copies.map((m) => [m.body, m.groupId])).toEqual([
      ['o1-1', 'order-1'],
      ['o2-1', 'order-2'],
      ['o1-2', 'order-1'],
    ]);
    const dedupIds = copies.map((m) => m.dedupId);
    expect(new Set(dedupIds).size).toBe(3);
    for (const id of dedupIds) expect(['d-1', 'd-2', 'd-3', undefined]).not.toContain(id);
  });

  it('FIFO: after a failed copy, the later messages of its group stay behind it; other groups move', async () => {
    const { sqs, source, dlq, pacing } = setup(true);
    sqs.put(dlq, 'o1-1', { groupId: 'order-1' });
    sqs.put(dlq, 'o1-2', { groupId: 'order-1' });
    sqs.put(dlq, 'o2-1', { groupId: 'order-2' });
    sqs.put(dlq, 'o2-2', { groupId: 'order-2' });
    sqs.failSend = (entry) => (entry.MessageBody === 'o1-1' ? 'throttled' : undefined);

    const result = await transfer(sqs.asClient(), dlq, toQueue(sqs.asClient(), source, true), pacing);

    expect(result).toMatchObject({ moved: 2, failed: 1, heldBack: 1, left: 2 });
    expect(sqs.bodies(source)).toEqual(['o2-1', 'o2-2']);
    expect(sqs.bodies(dlq)).toEqual(['o1-1', 'o1-2']);
  });

  it('keeps to the rate: batches no bigger than the rate, paced one second per `rate` messages', async () => {
    const { sqs, source, dlq, clock, pacing } = setup();
    for (let i = 0; i < 25; i++) sqs.put(dlq, `m${i}`);
    const sentAt: number[] = [];
    sqs.afterSend = () => sentAt.push(clock.now());

    const result = await transfer(sqs.asClient(), dlq, toQueue(sqs.asClient(), source, false), {
      ...pacing,
      rate: 5,
    });

    expect(result.moved).toBe(25);
    const receives = sqs.calls.filter((c) => c.name === 'ReceiveMessage');
    for (const r of receives) expect(r.input.MaxNumberOfMessages).toBeLessThanOrEqual(5);
    expect(clock.sleeps).toEqual([1000, 1000, 1000, 1000]);
    // No one-second window holds more than 5 sends.
    for (const t of sentAt)
      expect(sentAt.filter((s) => s >= t && s < t + 1000).length).toBeLessThanOrEqual(5);
  });

  it('stops at the depth it started with, so messages that fail again are not moved round in circles', async () => {
    const { sqs, source, dlq, pacing } = setup();
    for (const body of ['a', 'b', 'c']) sqs.put(dlq, body);
    // The consumer is still broken: every copy comes straight back to the DLQ.
    sqs.afterSend = (url, message) => {
      if (url === source) sqs.put(dlq, message.body);
    };

    const result = await transfer(sqs.asClient(), dlq, toQueue(sqs.asClient(), source, false), pacing);

    expect(result.moved).toBe(3);
    expect(sqs.bodies(dlq)).toEqual(['a', 'b', 'c']);
  });

  it('stops between batches when aborted, after deleting what it copied', async () => {
    const { sqs, source, dlq, pacing } = setup();
    for (let i = 0; i < 30; i++) sqs.put(dlq, `m${i}`);
    const abort = new AbortController();

    const result = await transfer(sqs.asClient(), dlq, toQueue(sqs.asClient(), source, false), {
      ...pacing,
      signal: abort.signal,
      onProgress: (p) => {
        if (p.moved >= 10) abort.abort();
      },
    });

    expect(result).toMatchObject({ moved: 10, failed: 0, left: 20, interrupted: true });
    expect(sqs.queue(source)).toHaveLength(10);
  });

  it('falls back to the mover when the endpoint does not know StartMessageMoveTask, and says so', async () => {
    const { sqs, source, dlq, queue, pacing } = setup();
    sqs.put(dlq, 'a', { attributes: OURS });
    const notices: string[] = [];

    const report = await redrive({ sqs: sqs.asClient() }, queue, {
      ...pacing,
      onNotice: (m) => notices.push(m),
    });

    expect(report.method).toBe('mover');
    expect(report.result).toMatchObject({ moved: 1, failed: 0, left: 0 });
    expect(sqs.callNames).toContain('StartMessageMoveTask');
    expect(notices.join()).toMatch(/StartMessageMoveTask is not available/);
    expect(sqs.bodies(source)).toEqual(['a']);
  });

  it('uses StartMessageMoveTask where it exists: the DLQ ARN, the source as destination, the rate', async () => {
    const { sqs, source, dlq, queue, pacing } = setup();
    sqs.moveTasks = 'supported';
    for (const body of ['a', 'b']) sqs.put(dlq, body);

    const report = await redrive({ sqs: sqs.asClient() }, queue, { ...pacing, rate: 25 });

    expect(report).toMatchObject({ method: 'message-move-task', taskStatus: 'COMPLETED' });
    expect(report.result).toMatchObject({ moved: 2, left: 0 });
    expect(sqs.calls.find((c) => c.name === 'StartMessageMoveTask')?.input).toEqual({
      SourceArn: queue.arn,
      DestinationArn: queue.sourceQueues[0]?.arn,
      MaxNumberOfMessagesPerSecond: 25,
    });
    expect(sqs.callNames).toContain('ListMessageMoveTasks');
    expect(sqs.callNames).not.toContain('ReceiveMessage');
    expect(sqs.bodies(source)).toEqual(['a', 'b']);
  });

  it('does not fall back when SQS refuses the move task for another reason', async () => {
    const { sqs, dlq, queue, pacing } = setup();
    sqs.moveTasks = Object.assign(new Error('Access to the resource is denied.'), { name: 'AccessDenied' });
    sqs.put(dlq, 'a');

    await expect(redrive({ sqs: sqs.asClient() }, queue, pacing)).rejects.toThrow(/denied/);
    expect(sqs.callNames).not.toContain('ReceiveMessage');
  });

  it('a dry run reports what would move and changes nothing', async () => {
    const { sqs, dlq, queue, pacing } = setup();
    for (const body of ['a', 'b', 'c']) sqs.put(dlq, body);
    const before = structuredClone(sqs.queue(dlq));

    const report = await redrive({ sqs: sqs.asClient() }, queue, { ...pacing, dryRun: true });

    expect(report).toMatchObject({ dryRun: true, method: 'mover', waiting: { visible: 3, inFlight: 0 } });
    expect(report.result).toBeUndefined();
    expect(new Set(sqs.callNames)).toEqual(new Set(['GetQueueAttributes', 'ListMessageMoveTasks']));
    expect(sqs.queue(dlq)).toEqual(before);
  });

  it.each([false, true])(
    'reports an empty DLQ as empty, dry run %s: no move task probed or started, nothing received, no notice',
    async (dryRun) => {
      const { sqs, queue, pacing } = setup();
      sqs.moveTasks = 'supported';
      const notices: string[] = [];
      const started: unknown[] = [];

      const report = await redrive({ sqs: sqs.asClient() }, queue, {
        ...pacing,
        dryRun,
        onNotice: (m) => notices.push(m),
        onStart: (waiting) => started.push(waiting),
      });

      expect(report).toMatchObject({ empty: true, dryRun, waiting: { visible: 0, inFlight: 0 } });
      expect(report.method).toBeUndefined();
      expect(report.result).toBeUndefined();
      expect(sqs.callNames).toEqual(['GetQueueAttributes']);
      expect(notices).toEqual([]);
      expect(started).toEqual([]);
    },
  );

  it('does not count a DLQ whose only messages are in flight as empty', async () => {
    const { sqs, dlq, queue, pacing } = setup();
    sqs.put(dlq, 'a');
    sqs.queue(dlq).forEach((m) => {
      m.invisibleUntil = pacing.now() + 30_000;
    });

    const report = await redrive({ sqs: sqs.asClient() }, queue, { ...pacing, dryRun: true });

    expect(report).toMatchObject({ empty: false, waiting: { visible: 0, inFlight: 1 } });
  });

  it('tells when a DLQ with messages starts, with how many are waiting', async () => {
    const { sqs, dlq, queue, pacing } = setup();
    for (const body of ['a', 'b']) sqs.put(dlq, body);
    const started: unknown[] = [];

    await redrive({ sqs: sqs.asClient() }, queue, { ...pacing, onStart: (w) => started.push(w) });

    expect(started).toEqual([{ visible: 2, inFlight: 0 }]);
  });

  it('refuses a DLQ with no single source queue', async () => {
    const { sqs, queue } = setup();
    await expect(redrive({ sqs: sqs.asClient() }, { ...queue, sourceQueues: [] })).rejects.toThrow(
      /not the dead-letter queue of any queue/,
    );
  });

  it('recognises an action the endpoint does not have, and only that', () => {
    expect(isUnsupportedAction(unknownAction('StartMessageMoveTask'))).toBe(true);
    expect(isUnsupportedAction(Object.assign(new Error('x'), { $metadata: { httpStatusCode: 501 } }))).toBe(
      true,
    );
    expect(isUnsupportedAction(Object.assign(new Error('denied'), { name: 'AccessDenied' }))).toBe(false);
    expect(isUnsupportedAction('InvalidAction')).toBe(false);
  });
});

describe('redriving an EventBridge target DLQ onto the bus', () => {
  const RULE_ARN = 'arn:aws:events:us-east-1:123456789012:rule/orders/OutcomesRoute';

  function busSetup() {
    const clock = new FakeClock();
    const sqs = new FakeSqs(clock);
    const dlq = sqs.addQueue('RouterDlq');
    return { sqs, dlq, pacing: { sleep: clock.sleep, now: clock.now } };
  }

  it('puts each event back with its source, detail-type and detail, on the bus its rule names', async () => {
    const { sqs, dlq, pacing } = busSetup();
    const event = orderConfirmed();
    sqs.put(dlq, JSON.stringify({ version: '0', account: '123456789012', region: 'us-east-1', ...event }), {
      attributes: { RULE_ARN, ERROR_CODE: 'SQSError', ERROR_MESSAGE: 'throttled' },
    });
    const other = orderConfirmed();
    sqs.put(dlq, JSON.stringify(other)); // no RULE_ARN: the default bus
    const bus = new FakeEventBridge();

    const result = await transfer(sqs.asClient(), dlq, toBus(bus.asClient(), 'fallback-bus'), pacing);

    expect(result).toMatchObject({ moved: 2, failed: 0, left: 0 });
    expect(bus.sent).toEqual([
      {
        EventBusName: 'orders',
        Source: event.source,
        DetailType: event['detail-type'],
        Detail: JSON.stringify(event.detail),
      },
      {
        EventBusName: 'fallback-bus',
        Source: other.source,
        DetailType: other['detail-type'],
        Detail: JSON.stringify(other.detail),
      },
    ]);
  });

  it('deletes only the entries PutEvents accepted', async () => {
    const { sqs, dlq, pacing } = busSetup();
    const events = [orderConfirmed(), orderConfirmed(), orderConfirmed()];
    for (const e of events) sqs.put(dlq, JSON.stringify(e));
    const bus = new FakeEventBridge((entries) =>
      entries.map((entry, i) => (i === 1 ? rejected('ThrottlingException') : accepted(entry))),
    );

    const result = await transfer(sqs.asClient(), dlq, toBus(bus.asClient(), 'orders'), pacing);

    expect(result).toMatchObject({ moved: 2, failed: 1, left: 1 });
    expect(result.failures[0]?.reason).toMatch(/ThrottlingException/);
    expect(sqs.bodies(dlq)).toEqual([JSON.stringify(events[1])]);
  });

  it('leaves a message that is not an event in the DLQ, saying why', async () => {
    const { sqs, dlq, pacing } = busSetup();
    sqs.put(dlq, 'not json');
    sqs.put(dlq, JSON.stringify({ orderId: 'slim payload from an input transformer' }));
    const bus = new FakeEventBridge();

    const result = await transfer(sqs.asClient(), dlq, toBus(bus.asClient(), 'orders'), pacing);

    expect(result).toMatchObject({ moved: 0, failed: 2, left: 2 });
    expect(result.failures.map((f) => f.reason)).toEqual([
      expect.stringMatching(/not JSON/),
      expect.stringMatching(/needs source, detail-type and an object detail/),
    ]);
    expect(bus.calls).toEqual([]);
  });

  it('puts every event on the bus given instead, when one is', async () => {
    const { sqs, dlq, pacing } = busSetup();
    sqs.put(dlq, JSON.stringify(orderConfirmed()), { attributes: { RULE_ARN } });
    const bus = new FakeEventBridge();

    await transfer(sqs.asClient(), dlq, toBus(bus.asClient(), 'fallback', 'chosen'), pacing);

    expect(bus.sent[0]?.EventBusName).toBe('chosen');
  });

  it('reads the bus from a rule ARN, the default bus included', () => {
    const message = (ruleArn: string) => ({
      MessageAttributes: { RULE_ARN: { DataType: 'String', StringValue: ruleArn } },
    });
    expect(busFromRuleArn(message(RULE_ARN))).toBe('orders');
    expect(busFromRuleArn(message('arn:aws:events:us-east-1:123456789012:rule/MyRule'))).toBe('default');
    expect(busFromRuleArn({})).toBeUndefined();
    expect(typeof eventOf('{"source":"x","detail-type":"y","detail":{}}')).toBe('object');
  });
});

describe('redriving an SNS delivery DLQ to its topic', () => {
  const TOPIC = 'arn:aws:sns:us-east-1:123456789012:OrderStatusStream.fifo';

  class FakeSns {
    readonly batches: PublishBatchRequestEntry[][] = [];
    async send(command: PublishBatchCommand) {
      const entries = command.input.PublishBatchRequestEntries ?? [];
      this.batches.push(entries);
      return {
        Successful: entries.filter((e) => !e.Message?.includes('poison')).map((e) => ({ Id: e.Id })),
        Failed: entries
          .filter((e) => e.Message?.includes('poison'))
          .map((e) => ({ Id: e.Id, Code: 'KMSThrottling', SenderFault: false })),
      };
    }
  }

  it('republishes the raw message with its group and a fresh dedup id; deletes only what SNS accepted', async () => {
    const clock = new FakeClock();
    const sqs = new FakeSqs(clock);
    const dlq = sqs.addQueue('StatusDelivery-dlq.fifo');
    sqs.put(dlq, '{"status":"SHIPPED"}', { groupId: 'order-1', attributes: { kind: 'status' } });
    sqs.put(dlq, '{"poison":true}', { groupId: 'order-2' });
    const sns = new FakeSns();
    const queue: DeadLetterQueue = {
      name: 'OrderNotifications/OrderStatusStream',
      shortName: 'notifications/order-status-stream',
      path: 'OrderNotifications/OrderStatusStream/DeliveryDeadLetterQueue/Resource',
      stackName: 'OrderNotifications',
      logicalId: 'StatusDeliveryDlq',
      url: dlq,
      arn: queueArn('StatusDelivery-dlq.fifo'),
      fifo: true,
      kind: 'sns-delivery',
      sourceQueues: [],
      topicArns: [TOPIC],
      busNames: [],
      streamRelays: [],
      usedBy: [],
    };

    const report = await redrive({ sqs: sqs.asClient(), sns: sns as never }, queue, {
      sleep: clock.sleep,
      now: clock.now,
    });

    expect(report.result).toMatchObject({ moved: 1, failed: 1, left: 1 });
    const sent = sns.batches.flat();
    expect(sent[0]).toMatchObject({
      Message: '{"status":"SHIPPED"}',
      MessageGroupId: 'order-1',
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'status' } },
    });
    expect(sent[0]?.MessageDeduplicationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sqs.bodies(dlq)).toEqual(['{"poison":true}']);
  });
});
