import { describe, expect, it, vi } from 'vitest';
import {
  failedResourceId,
  parseTopicProperties,
  parseTopicResourceId,
  provisionTopic,
  TOPIC_CONFIG_SOURCE,
  type TopicAdmin,
  type TopicPorts,
  type TopicRequest,
  topicResourceId,
} from '../../../lambdas/kafka-topic/topic.js';

const CLUSTER =
  'arn:aws:kafka:eu-west-1:123456789012:cluster/orders-log/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d-s1';
const BROKERS = 'boot-abc.c1.kafka-serverless.eu-west-1.amazonaws.com:9098';
const TOPIC_ID = `${CLUSTER}/orders.events`;
/** Kafka's config source of a default value: what a describe returns beside the topic's own. */
const DEFAULT_CONFIG_SOURCE = 5;

interface FakeTopic {
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

/** A cluster in memory that behaves like Kafka's admin API for one client; `writes` lists each change. */
function fakeCluster(topics: Record<string, FakeTopic> = {}) {
  const writes: string[] = [];
  const admin: TopicAdmin = {
    listTopics: async () => Object.keys(topics),
    fetchTopicMetadata: async ({ topics: names }) => ({
      topics: names.flatMap((name) => {
        const topic = topics[name];
        return topic
          ? [{ name, partitions: Array.from({ length: topic.partitions }, (_, id) => ({ id })) }]
          : [];
      }),
    }),
    createTopics: async ({ topics: [spec] }) => {
      if (spec === undefined || spec.topic in topics) return false;
      writes.push(`create ${spec.topic}`);
      topics[spec.topic] = {
        partitions: spec.numPartitions,
        replicationFactor: spec.replicationFactor,
        configs: Object.fromEntries(spec.configEntries.map((e) => [e.name, e.value])),
      };
      return true;
    },
    createPartitions: async ({ topicPartitions }) => {
      for (const { topic, count } of topicPartitions) {
        writes.push(`partitions ${topic} ${count}`);
        const existing = topics[topic];
        if (existing) existing.partitions = count;
      }
      return true;
    },
    describeConfigs: async ({ resources }) => ({
      resources: resources.map(({ name }) => ({
        resourceName: name,
        errorCode: 0,
        errorMessage: null,
        configEntries: [
          ...Object.entries(topics[name]?.configs ?? {}).map(([configName, configValue]) => ({
            configName,
            configValue,
            configSource: TOPIC_CONFIG_SOURCE,
          })),
          { configName: 'max.message.bytes', configValue: '8388608', configSource: DEFAULT_CONFIG_SOURCE },
        ],
      })),
    }),
    // AlterConfigs replaces every config set on the resource, as Kafka's does.
    alterConfigs: async ({ resources }) => {
      for (const { name, configEntries } of resources) {
        writes.push(`configs ${name} ${configEntries.map((e) => `${e.name}=${e.value}`).join(',')}`);
        const existing = topics[name];
        if (existing) existing.configs = Object.fromEntries(configEntries.map((e) => [e.name, e.value]));
      }
    },
    deleteTopics: async ({ topics: names }) => {
      for (const name of names) {
        writes.push(`delete ${name}`);
        delete topics[name];
      }
    },
  };
  const openCluster = vi.fn<TopicPorts['openCluster']>(async () => ({ bootstrapBrokers: BROKERS, admin }));
  return { topics, writes, admin, ports: { openCluster }, openCluster };
}

const configs = (c: Record<string, string>) => Buffer.from(JSON.stringify(c), 'utf8').toString('base64');

/** Properties as CloudFormation delivers them: every value a string. */
const properties = (over: Record<string, unknown> = {}) => ({
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provisioner',
  ClusterArn: CLUSTER,
  TopicName: 'orders.events',
  PartitionCount: '6',
  ReplicationFactor: '3',
  Configs: configs({ 'cleanup.policy': 'delete', 'retention.ms': '604800000' }),
  ...over,
});

const create = (props = properties()): TopicRequest => ({
  RequestType: 'Create',
  RequestId: 'req-1',
  ResourceProperties: props,
});
const update = (props: Record<string, unknown>, old = properties(), id = TOPIC_ID): TopicRequest => ({
  RequestType: 'Update',
  PhysicalResourceId: id,
  ResourceProperties: props,
  OldResourceProperties: old,
});
const remove = (id = TOPIC_ID): TopicRequest => ({ RequestType: 'Delete', PhysicalResourceId: id });

const existing = (over: Partial<FakeTopic> = {}): FakeTopic => ({
  partitions: 6,
  replicationFactor: 3,
  configs: { 'cleanup.policy': 'delete', 'retention.ms': '604800000' },
  ...over,
});

describe('provisionTopic: Create', () => {
  it('creates the topic with its partitions, replication factor and configs', async () => {
    // GIVEN a cluster without the topic
    const cluster = fakeCluster();
    // WHEN
    await provisionTopic(create(), cluster.ports);
    // THEN
    expect(cluster.topics['orders.events']).toEqual(existing());
  });

  it('answers with the cluster and topic as physical id and the bootstrap brokers as data', async () => {
    // GIVEN
    const cluster = fakeCluster();
    // WHEN
    const result = await provisionTopic(create(), cluster.ports);
    // THEN
    expect(result).toMatchObject({ physicalResourceId: TOPIC_ID, data: { BootstrapBrokers: BROKERS } });
    expect(cluster.openCluster).toHaveBeenCalledExactlyOnceWith(CLUSTER);
  });

  it('converges a topic that already exists instead of failing (a retried create)', async () => {
    // GIVEN the topic, left behind with fewer partitions and another retention
    const cluster = fakeCluster({
      'orders.events': existing({ partitions: 3, configs: { 'retention.ms': '1000' } }),
    });
    // WHEN
    const result = await provisionTopic(create(), cluster.ports);
    // THEN
    expect(cluster.topics['orders.events']).toEqual(existing());
    expect(result.physicalResourceId).toBe(TOPIC_ID);
  });

  it('converges a topic that another create made between its listing and its creation', async () => {
    // GIVEN a create that finds the topic there when it asks to create it
    const cluster = fakeCluster();
    cluster.admin.createTopics = async () => {
      cluster.topics['orders.events'] = existing({ partitions: 2 });
      return false;
    };
    // WHEN
    await provisionTopic(create(), cluster.ports);
    // THEN
    expect(cluster.topics['orders.events']?.partitions).toBe(6);
  });

  it('fails, naming the cluster, when the cluster does not exist', async () => {
    // GIVEN
    const cluster = fakeCluster();
    cluster.openCluster.mockResolvedValue(undefined);
    // WHEN / THEN
    await expect(provisionTopic(create(), cluster.ports)).rejects.toThrow(
      `MSK cluster ${CLUSTER} does not exist`,
    );
  });
});

describe('provisionTopic: Update', () => {
  it('adds partitions when PartitionCount grows', async () => {
    // GIVEN
    const cluster = fakeCluster({ 'orders.events': existing() });
    // WHEN
    const result = await provisionTopic(update(properties({ PartitionCount: '12' })), cluster.ports);
    // THEN
    expect(cluster.writes).toEqual(['partitions orders.events 12']);
    expect(result).toMatchObject({ physicalResourceId: TOPIC_ID, data: { BootstrapBrokers: BROKERS } });
  });

  it('fails with a clear message when PartitionCount shrinks, and changes nothing', async () => {
    // GIVEN a topic of 12 partitions
    const cluster = fakeCluster({ 'orders.events': existing({ partitions: 12 }) });
    // WHEN
    const updating = provisionTopic(
      update(properties({ PartitionCount: '6', Configs: configs({ 'retention.ms': '1' }) })),
      cluster.ports,
    );
    // THEN
    await expect(updating).rejects.toThrow(
      "Topic 'orders.events' has 12 partitions and PartitionCount asks for 6: Kafka cannot remove partitions.",
    );
    expect(cluster.writes).toEqual([]);
  });

  it('sets changed configs, keeping configs set outside the template', async () => {
    // GIVEN a topic with a config someone set by hand
    const cluster = fakeCluster({
      'orders.events': existing({
        configs: { 'cleanup.policy': 'delete', 'retention.ms': '604800000', 'retention.bytes': '1' },
      }),
    });
    // WHEN the retention changes
    await provisionTopic(
      update(properties({ Configs: configs({ 'cleanup.policy': 'delete', 'retention.ms': '-1' }) })),
      cluster.ports,
    );
    // THEN
    expect(cluster.topics['orders.events']?.configs).toEqual({
      'cleanup.policy': 'delete',
      'retention.ms': '-1',
      'retention.bytes': '1',
    });
  });

  it('returns a config dropped from the template to the default', async () => {
    // GIVEN
    const cluster = fakeCluster({ 'orders.events': existing() });
    // WHEN Configs no longer has retention.ms
    await provisionTopic(
      update(properties({ Configs: configs({ 'cleanup.policy': 'delete' }) })),
      cluster.ports,
    );
    // THEN
    expect(cluster.topics['orders.events']?.configs).toEqual({ 'cleanup.policy': 'delete' });
  });

  it('writes nothing when the topic is already as asked', async () => {
    // GIVEN
    const cluster = fakeCluster({ 'orders.events': existing() });
    // WHEN
    await provisionTopic(update(properties()), cluster.ports);
    // THEN
    expect(cluster.writes).toEqual([]);
  });

  it('creates the topic under its new name when TopicName changes, leaving the old one to Delete', async () => {
    // GIVEN
    const cluster = fakeCluster({ 'orders.events': existing() });
    // WHEN
    const result = await provisionTopic(update(properties({ TopicName: 'orders.events.v2' })), cluster.ports);
    // THEN
    expect(result.physicalResourceId).toBe(`${CLUSTER}/orders.events.v2`);
    expect(cluster.writes).toEqual(['create orders.events.v2']);
    expect(cluster.topics['orders.events']).toEqual(existing());
  });

  it('fails when ReplicationFactor changes on the same topic', async () => {
    // GIVEN
    const cluster = fakeCluster({ 'orders.events': existing() });
    // WHEN / THEN
    await expect(
      provisionTopic(update(properties({ ReplicationFactor: '2' })), cluster.ports),
    ).rejects.toThrow("ReplicationFactor of topic 'orders.events' cannot change from 3 to 2");
  });
});

describe('provisionTopic: Delete', () => {
  it('deletes the topic its physical id names', async () => {
    // GIVEN
    const cluster = fakeCluster({ 'orders.events': existing(), other: existing() });
    // WHEN
    const result = await provisionTopic(remove(), cluster.ports);
    // THEN
    expect(Object.keys(cluster.topics)).toEqual(['other']);
    expect(result.physicalResourceId).toBe(TOPIC_ID);
    expect(result.data).toBeUndefined();
  });

  it('succeeds when the topic is already gone', async () => {
    // GIVEN
    const cluster = fakeCluster();
    // WHEN
    const result = await provisionTopic(remove(), cluster.ports);
    // THEN
    expect(result.actions).toEqual(["topic 'orders.events' was already gone"]);
    expect(cluster.writes).toEqual([]);
  });

  it('succeeds when the topic goes between its listing and its deletion', async () => {
    // GIVEN a delete that kafkajs gives up on, the broker saying the topic is unknown
    const cluster = fakeCluster({ 'orders.events': existing() });
    cluster.admin.deleteTopics = async () => {
      throw new Error('Number of retries exceeded', {
        cause: Object.assign(new Error('This server does not host this topic-partition'), {
          type: 'UNKNOWN_TOPIC_OR_PARTITION',
        }),
      });
    };
    // WHEN / THEN
    await expect(provisionTopic(remove(), cluster.ports)).resolves.toMatchObject({
      physicalResourceId: TOPIC_ID,
    });
  });

  it('fails when Kafka refuses the deletion', async () => {
    // GIVEN
    const cluster = fakeCluster({ 'orders.events': existing() });
    cluster.admin.deleteTopics = async () => {
      throw Object.assign(new Error('Topic authorization failed'), { type: 'TOPIC_AUTHORIZATION_FAILED' });
    };
    // WHEN / THEN
    await expect(provisionTopic(remove(), cluster.ports)).rejects.toThrow('Topic authorization failed');
  });

  it('succeeds when the cluster is gone, the topic with it', async () => {
    // GIVEN
    const cluster = fakeCluster();
    cluster.openCluster.mockResolvedValue(undefined);
    // WHEN / THEN
    await expect(provisionTopic(remove(), cluster.ports)).resolves.toMatchObject({
      physicalResourceId: TOPIC_ID,
    });
  });

  it('does nothing, without connecting, for the id of a create that failed', async () => {
    // GIVEN
    const cluster = fakeCluster({ 'orders.events': existing() });
    // WHEN
    await provisionTopic(remove(failedResourceId(create())), cluster.ports);
    // THEN
    expect(cluster.openCluster).not.toHaveBeenCalled();
    expect(cluster.topics['orders.events']).toEqual(existing());
  });
});

describe('parseTopicProperties', () => {
  it('accepts numeric strings for PartitionCount and ReplicationFactor and decodes Configs', () => {
    // GIVEN / WHEN
    const parsed = parseTopicProperties(properties({ Configs: configs({ 'retention.ms': '-1' }) }));
    // THEN
    expect(parsed).toEqual({
      ClusterArn: CLUSTER,
      TopicName: 'orders.events',
      PartitionCount: 6,
      ReplicationFactor: 3,
      Configs: { 'retention.ms': '-1' },
    });
  });

  it('names each bad property and says what it must be', () => {
    // GIVEN
    const bad = properties({ PartitionCount: 'six', TopicName: 'orders events', ClusterArn: undefined });
    // WHEN / THEN
    expect(() => parseTopicProperties(bad)).toThrow(
      "Invalid Custom::KafkaTopic properties: ClusterArn: is required; TopicName: must be 1-249 letters, digits, '.', '_' or '-'; " +
        'PartitionCount: must be a whole number (a number or a string of digits)',
    );
  });

  it('rejects Configs that are not base64 of a JSON object', () => {
    // GIVEN / WHEN / THEN
    expect(() => parseTopicProperties(properties({ Configs: configs(['retention.ms'] as never) }))).toThrow(
      'Configs: must be base64 of a JSON object',
    );
  });

  it('fails a Create with bad properties before connecting to the cluster', async () => {
    // GIVEN
    const cluster = fakeCluster();
    // WHEN / THEN
    await expect(provisionTopic(create(properties({ PartitionCount: '0' })), cluster.ports)).rejects.toThrow(
      'PartitionCount: must be at least 1',
    );
    expect(cluster.openCluster).not.toHaveBeenCalled();
  });
});

describe('physical ids', () => {
  it('round-trip the cluster and topic', () => {
    expect(parseTopicResourceId(topicResourceId(CLUSTER, 'orders.events'))).toEqual({
      clusterArn: CLUSTER,
      topicName: 'orders.events',
    });
  });

  it('keep the current id for a failed Update', () => {
    expect(failedResourceId(update(properties()))).toBe(TOPIC_ID);
  });
});
