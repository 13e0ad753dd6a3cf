import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const CLUSTER = 'arn:aws:kafka:eu-west-1:123456789012:cluster/orders-log/1a2b3c4d-s1';
const BROKERS =
  'boot-a.kafka-serverless.eu-west-1.amazonaws.com:9098,boot-b.kafka-serverless.eu-west-1.amazonaws.com:9098';

// Logs silenced before the handler's module-scope logger exists.
vi.hoisted(() => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
});

const kafka = vi.hoisted(() => {
  class NotFoundException extends Error {}
  const admin = {
    connect: vi.fn(async () => {}),
    disconnect: vi.fn(async () => {}),
    listTopics: vi.fn(async (): Promise<string[]> => []),
    createTopics: vi.fn(async () => true),
  };
  return { NotFoundException, admin, send: vi.fn(), brokers: vi.fn() };
});
vi.mock('@aws-sdk/client-kafka', () => ({
  KafkaClient: class {
    send = kafka.send;
  },
  GetBootstrapBrokersCommand: class {
    constructor(readonly input: unknown) {}
  },
  NotFoundException: kafka.NotFoundException,
}));
vi.mock('kafkajs', () => ({
  Kafka: class {
    constructor(config: { brokers: string[] }) {
      kafka.brokers(config.brokers);
    }
    admin = () => kafka.admin;
  },
}));
// The client's settings are kafka.ts's own concern (and tested there); here only the brokers matter.
vi.mock('../../../lambdas/shared/kafka.js', () => ({ kafkaConfig: (connection: unknown) => connection }));

const { handler, ANSWER_MARGIN_MS } = await import('../../../lambdas/kafka-topic/handler.js');

const put = vi.fn(async (_url: string, _init: RequestInit) => new Response(null, { status: 200 }));
const context = (remainingMs = 300_000) =>
  ({
    logStreamName: '2026/01/01/[$LATEST]abc',
    getRemainingTimeInMillis: () => remainingMs,
  }) as unknown as Context;

const base = {
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provisioner',
  ResponseURL: 'https://cloudformation-custom-resource-response.s3.amazonaws.com/answer?sig=1',
  StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/orders/1',
  RequestId: 'req-1',
  LogicalResourceId: 'LogTopic',
  ResourceType: 'Custom::KafkaTopic',
};
const properties = {
  ServiceToken: base.ServiceToken,
  ClusterArn: CLUSTER,
  TopicName: 'orders.events',
  PartitionCount: '6',
  ReplicationFactor: '3',
};
const createEvent = (props: Record<string, unknown> = properties): CloudFormationCustomResourceEvent => ({
  ...base,
  RequestType: 'Create',
  ResourceProperties: { ...props, ServiceToken: base.ServiceToken },
});
const deleteEvent: CloudFormationCustomResourceEvent = {
  ...base,
  RequestType: 'Delete',
  PhysicalResourceId: `${CLUSTER}/orders.events`,
  ResourceProperties: properties,
};

/** The one answer sent to CloudFormation: URL, headers and parsed body. */
const answer = () => {
  expect(put).toHaveBeenCalledOnce();
  const [url, init] = put.mock.calls[0] ?? [];
  return { url, init, body: JSON.parse(String(init?.body)) };
};

beforeEach(() => {
  vi.stubGlobal('fetch', put);
  kafka.send.mockResolvedValue({ BootstrapBrokerStringSaslIam: BROKERS });
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
  vi.clearAllMocks();
});

describe('the topic provisioner handler', () => {
  it('answers SUCCESS by a PUT with no content type, with the physical id and the bootstrap brokers', async () => {
    // GIVEN / WHEN
    await handler(createEvent(), context());
    // THEN
    const { url, init, body } = answer();
    expect(url).toBe(base.ResponseURL);
    expect(init).toMatchObject({ method: 'PUT', headers: { 'content-type': '' } });
    expect(body).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: `${CLUSTER}/orders.events`,
      StackId: base.StackId,
      RequestId: base.RequestId,
      LogicalResourceId: base.LogicalResourceId,
      Data: { BootstrapBrokers: BROKERS },
    });
  });

  it('connects to the SASL/IAM brokers the MSK API gives, and disconnects after answering', async () => {
    // GIVEN / WHEN
    await handler(createEvent(), context());
    // THEN
    expect(kafka.send.mock.calls[0]?.[0]).toMatchObject({ input: { ClusterArn: CLUSTER } });
    expect(kafka.brokers).toHaveBeenCalledExactlyOnceWith(BROKERS.split(','));
    expect(kafka.admin.disconnect).toHaveBeenCalledOnce();
    expect(kafka.admin.disconnect.mock.invocationCallOrder[0]).toBeGreaterThan(
      put.mock.invocationCallOrder[0] ?? 0,
    );
  });

  it('answers FAILED with the error and the log stream, and an id a rollback Delete leaves alone', async () => {
    // GIVEN / WHEN
    await handler(createEvent({ ...properties, PartitionCount: 'six' }), context());
    // THEN
    const { body } = answer();
    expect(body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'create-failed:req-1' });
    expect(body.Reason).toContain('PartitionCount: must be a whole number');
    expect(body.Reason).toContain('(log stream 2026/01/01/[$LATEST]abc)');
    expect(body.Data).toBeUndefined();
  });

  it('answers FAILED before the function times out when Kafka does not answer', async () => {
    // GIVEN a broker that never answers, and 15 s left
    vi.useFakeTimers();
    kafka.admin.listTopics.mockReturnValueOnce(new Promise(() => {}));
    // WHEN
    const handling = handler(createEvent(), context(15_000));
    await vi.advanceTimersByTimeAsync(15_000 - ANSWER_MARGIN_MS);
    await handling;
    // THEN
    expect(answer().body).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringContaining('ran out of time'),
    });
    expect(kafka.admin.disconnect).toHaveBeenCalledOnce();
  });

  it('answers SUCCESS to a Delete when the cluster is gone', async () => {
    // GIVEN
    kafka.send.mockRejectedValue(new kafka.NotFoundException('Cluster not found'));
    // WHEN
    await handler(deleteEvent, context());
    // THEN
    expect(answer().body).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: `${CLUSTER}/orders.events`,
    });
  });

  it('fails the invocation when the answer is refused, so that Lambda retries it', async () => {
    // GIVEN
    put.mockResolvedValueOnce(new Response('expired', { status: 403 }));
    // WHEN / THEN
    await expect(handler(createEvent(), context())).rejects.toThrow('refused the answer: 403 expired');
    expect(kafka.admin.disconnect).toHaveBeenCalledOnce();
  });
});
