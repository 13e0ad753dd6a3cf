import * as z from 'zod/mini';
import { describeIssues } from '../shared/zod-issues.js';

/**
 * The topic provisioner of KafkaLog (`Custom::KafkaTopic`): creates, converges and deletes one
 * Kafka topic through Kafka's admin API, because MSK's own topic API does not serve MSK
 * Serverless. Every Create and Update converges (the topic exists with at least these
 * partitions and these configs), so a retried request does what the first would have done.
 */

/** A topic config as Kafka's admin API takes it. */
export interface ConfigEntry {
  readonly name: string;
  readonly value: string;
}

/** Kafka's config resource type of a topic (kafkajs `ConfigResourceTypes.TOPIC`). */
export const TOPIC_RESOURCE_TYPE = 2;
/** Kafka's config source of a value set on the topic itself (kafkajs `ConfigSource.TOPIC_CONFIG`). */
export const TOPIC_CONFIG_SOURCE = 1;

/** The part of a Kafka admin client this uses, shaped after kafkajs `Admin` (which satisfies it). */
export interface TopicAdmin {
  listTopics(): Promise<string[]>;
  fetchTopicMetadata(options: {
    topics: string[];
  }): Promise<{ topics: Array<{ name: string; partitions: readonly unknown[] }> }>;
  createTopics(options: {
    topics: Array<{
      topic: string;
      numPartitions: number;
      replicationFactor: number;
      configEntries: ConfigEntry[];
    }>;
  }): Promise<boolean>;
  createPartitions(options: { topicPartitions: Array<{ topic: string; count: number }> }): Promise<boolean>;
  describeConfigs(options: {
    resources: Array<{ type: number; name: string }>;
    includeSynonyms: boolean;
  }): Promise<{
    resources: Array<{
      resourceName: string;
      errorCode: number;
      errorMessage: string | null;
      configEntries: Array<{ configName: string; configValue: string | null; configSource?: number }>;
    }>;
  }>;
  alterConfigs(options: {
    validateOnly: boolean;
    resources: Array<{ type: number; name: string; configEntries: ConfigEntry[] }>;
  }): Promise<unknown>;
  deleteTopics(options: { topics: string[] }): Promise<void>;
}

/** A cluster reached: its admin client and the SASL/IAM bootstrap string clients connect to. */
export interface KafkaCluster {
  readonly bootstrapBrokers: string;
  readonly admin: TopicAdmin;
}

export interface TopicPorts {
  /** Connect to the cluster; `undefined` if no such cluster exists (any more). */
  openCluster(clusterArn: string): Promise<KafkaCluster | undefined>;
}

/** What the provisioner needs of a CloudFormation custom resource request. */
export type TopicRequest =
  | { readonly RequestType: 'Create'; readonly RequestId: string; readonly ResourceProperties: unknown }
  | {
      readonly RequestType: 'Update';
      readonly PhysicalResourceId: string;
      readonly ResourceProperties: unknown;
      readonly OldResourceProperties: unknown;
    }
  | { readonly RequestType: 'Delete'; readonly PhysicalResourceId: string };

export interface TopicResult {
  readonly physicalResourceId: string;
  /** The resource's attributes (`Fn::GetAtt`); none on Delete. */
  readonly data?: { readonly BootstrapBrokers: string };
  /** What was done, in order, for the log. */
  readonly actions: readonly string[];
}

/** Kafka's rule for topic names: 1-249 of `[a-zA-Z0-9._-]`, and neither `.` nor `..`. */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
/** `arn:<partition>:kafka:<region>:<account>:cluster/<name>/<uuid>` */
const CLUSTER_ARN = /^arn:[a-z-]+:kafka:[a-z0-9-]+:\d{12}:cluster\/[^/\s]+\/[^/\s]+$/;

/** An error message for a property that is there but wrong, and one for a missing property. */
const invalid = (message: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is required' : message;

/** A whole number at least `min`; CloudFormation passes every property value as a string. */
const wholeNumber = (min: number) =>
  z.pipe(
    z.transform((value: unknown) =>
      typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value,
    ),
    z
      .int({ error: invalid('must be a whole number (a number or a string of digits)') })
      .check(z.minimum(min, { error: `must be at least ${min}` })),
  );

const ConfigValuesSchema = z.record(
  z.string().check(z.minLength(1)),
  z.union([z.string(), z.number(), z.boolean()]),
);

/** Base64 of a JSON object of topic configs, as `AWS::MSK::Topic` takes them; values become strings. */
const ConfigsSchema = z.pipe(
  z.base64({ error: 'must be base64 of a JSON object of topic configs' }),
  z.transform((encoded: string, ctx): Record<string, string> => {
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
    } catch {
      decoded = undefined;
    }
    const parsed = ConfigValuesSchema.safeParse(decoded);
    if (!parsed.success) {
      ctx.issues.push({
        code: 'custom',
        input: encoded,
        message: 'must be base64 of a JSON object whose values are strings, numbers or booleans',
      });
      return {};
    }
    return Object.fromEntries(Object.entries(parsed.data).map(([name, value]) => [name, String(value)]));
  }),
);

export const TopicPropertiesSchema = z.object(
  {
    ClusterArn: z.string({ error: invalid('must be a string') }).check(
      z.regex(CLUSTER_ARN, {
        error: 'must be an MSK cluster ARN (arn:…:kafka:<region>:<account>:cluster/<name>/<uuid>)',
      }),
    ),
    TopicName: z.string({ error: invalid('must be a string') }).check(
      z.regex(TOPIC_NAME, { error: "must be 1-249 letters, digits, '.', '_' or '-'" }),
      z.refine((name) => name !== '.' && name !== '..', { error: "must not be '.' or '..'" }),
    ),
    PartitionCount: wholeNumber(1),
    ReplicationFactor: wholeNumber(1),
    Configs: z.optional(ConfigsSchema),
  },
  { error: 'must be an object' },
);
export type TopicProperties = z.infer<typeof TopicPropertiesSchema>;

/** The resource properties, or an error that names each bad property and says why. */
export function parseTopicProperties(properties: unknown): TopicProperties {
  const parsed = TopicPropertiesSchema.safeParse(properties);
  if (!parsed.success) {
    throw new Error(`Invalid Custom::KafkaTopic properties: ${describeIssues(parsed.error, 'properties')}`);
  }
  return parsed.data;
}

/** A new cluster or topic name is a new resource: CloudFormation then deletes the old one. */
export function topicResourceId(clusterArn: string, topicName: string): string {
  return `${clusterArn}/${topicName}`;
}

/** The cluster and topic a physical id names, or `undefined` if it names none (a failed create). */
export function parseTopicResourceId(
  physicalResourceId: string,
): { clusterArn: string; topicName: string } | undefined {
  const slash = physicalResourceId.lastIndexOf('/');
  const clusterArn = physicalResourceId.slice(0, slash);
  const topicName = physicalResourceId.slice(slash + 1);
  if (slash < 0 || !CLUSTER_ARN.test(clusterArn) || !TOPIC_NAME.test(topicName)) return undefined;
  return { clusterArn, topicName };
}

/**
 * The physical id to answer a failed request with. A failed Create gets an id that names no
 * topic, so the rollback's Delete does nothing: the create may have found a topic that was
 * there before, which is not this stack's to delete. Update and Delete keep the current id.
 */
export function failedResourceId(request: TopicRequest): string {
  return request.RequestType === 'Create' ? `create-failed:${request.RequestId}` : request.PhysicalResourceId;
}

/** Carry out one CloudFormation request on the topic. */
export async function provisionTopic(request: TopicRequest, ports: TopicPorts): Promise<TopicResult> {
  if (request.RequestType === 'Delete') return deleteTopic(request.PhysicalResourceId, ports);
  const desired = parseTopicProperties(request.ResourceProperties);
  const physicalResourceId = topicResourceId(desired.ClusterArn, desired.TopicName);
  // The same topic as before, or (a first create, a new name or cluster) a new one to converge.
  const previous =
    request.RequestType === 'Update' && request.PhysicalResourceId === physicalResourceId
      ? parseTopicProperties(request.OldResourceProperties)
      : undefined;
  if (previous !== undefined && previous.ReplicationFactor !== desired.ReplicationFactor) {
    throw new Error(
      `ReplicationFactor of topic '${desired.TopicName}' cannot change from ${previous.ReplicationFactor} to ${desired.ReplicationFactor}: ` +
        'Kafka sets it at creation (changing it is a partition reassignment). Give the topic a new TopicName to create it anew.',
    );
  }
  const cluster = await ports.openCluster(desired.ClusterArn);
  if (cluster === undefined) throw new Error(`MSK cluster ${desired.ClusterArn} does not exist.`);
  const actions = await convergeTopic(cluster.admin, desired, previous);
  return { physicalResourceId, data: { BootstrapBrokers: cluster.bootstrapBrokers }, actions };
}

async function convergeTopic(
  admin: TopicAdmin,
  desired: TopicProperties,
  previous: TopicProperties | undefined,
): Promise<string[]> {
  const topic = desired.TopicName;
  const configs = desired.Configs ?? {};
  if (!(await admin.listTopics()).includes(topic)) {
    const configEntries = Object.entries(configs).map(([name, value]) => ({ name, value }));
    const created = await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: desired.PartitionCount,
          replicationFactor: desired.ReplicationFactor,
          configEntries,
        },
      ],
    });
    // false: it came into being meanwhile (a concurrent or retried create), so converge it.
    if (created) return [`created topic '${topic}' with ${desired.PartitionCount} partitions`];
  }
  const actions = [`found topic '${topic}'`];
  const partitions = await partitionCount(admin, topic);
  if (partitions > desired.PartitionCount) {
    throw new Error(
      `Topic '${topic}' has ${partitions} partitions and PartitionCount asks for ${desired.PartitionCount}: ` +
        `Kafka cannot remove partitions. Set PartitionCount to at least ${partitions}, or give the topic a new TopicName.`,
    );
  }
  // Configs before partitions: if the configs fail, nothing has changed that a rollback must undo.
  const dropped = Object.keys(previous?.Configs ?? {}).filter((name) => !(name in configs));
  actions.push(...(await convergeConfigs(admin, topic, configs, dropped)));
  if (partitions < desired.PartitionCount) {
    await admin.createPartitions({ topicPartitions: [{ topic, count: desired.PartitionCount }] });
    actions.push(`added partitions to '${topic}': ${partitions} -> ${desired.PartitionCount}`);
  }
  return actions;
}

async function partitionCount(admin: TopicAdmin, topic: string): Promise<number> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  const metadata = topics.find((t) => t.name === topic);
  if (metadata === undefined) throw new Error(`Kafka returned no metadata for topic '${topic}'.`);
  return metadata.partitions.length;
}

/**
 * Set the desired configs and unset those the template no longer has. Kafka's AlterConfigs
 * (the one kafkajs offers; it has no IncrementalAlterConfigs) replaces every config set on the
 * topic, so the request carries the topic's other configs too (set outside the template) and
 * leaves out only the dropped ones, which return to the cluster's defaults.
 */
async function convergeConfigs(
  admin: TopicAdmin,
  topic: string,
  desired: Record<string, string>,
  dropped: readonly string[],
): Promise<string[]> {
  const { resources } = await admin.describeConfigs({
    resources: [{ type: TOPIC_RESOURCE_TYPE, name: topic }],
    includeSynonyms: false,
  });
  const resource = resources.find((r) => r.resourceName === topic);
  if (resource === undefined || resource.errorCode !== 0) {
    throw new Error(
      `Kafka could not describe the configs of topic '${topic}': ${resource?.errorMessage ?? 'no answer for it'}.`,
    );
  }
  const current = new Map(
    resource.configEntries
      .filter((e) => e.configSource === TOPIC_CONFIG_SOURCE && e.configValue !== null)
      .map((e) => [e.configName, e.configValue ?? '']),
  );
  const changed = Object.entries(desired).filter(([name, value]) => current.get(name) !== value);
  const unset = dropped.filter((name) => current.has(name));
  if (changed.length === 0 && unset.length === 0) return [];
  const merged = new Map([...current, ...changed]);
  for (const name of unset) merged.delete(name);
  await admin.alterConfigs({
    validateOnly: false,
    resources: [
      {
        type: TOPIC_RESOURCE_TYPE,
        name: topic,
        configEntries: [...merged].map(([name, value]) => ({ name, value })),
      },
    ],
  });
  return [
    `set configs of '${topic}': ${[...changed.map(([name, value]) => `${name}=${value}`), ...unset.map((name) => `${name} (default)`)].join(', ')}`,
  ];
}

/** Delete the topic the physical id names; one that is already gone (or never was) is success. */
async function deleteTopic(physicalResourceId: string, ports: TopicPorts): Promise<TopicResult> {
  const done = (action: string): TopicResult => ({ physicalResourceId, actions: [action] });
  const named = parseTopicResourceId(physicalResourceId);
  if (named === undefined) return done(`nothing to delete: '${physicalResourceId}' names no topic`);
  const cluster = await ports.openCluster(named.clusterArn);
  // A topic goes with its cluster.
  if (cluster === undefined) return done(`topic '${named.topicName}' is gone with its cluster`);
  if (!(await cluster.admin.listTopics()).includes(named.topicName)) {
    return done(`topic '${named.topicName}' was already gone`);
  }
  try {
    await cluster.admin.deleteTopics({ topics: [named.topicName] });
  } catch (error) {
    // Gone between the listing and the delete (kafkajs retries, then wraps the broker's error).
    if (!isUnknownTopic(error)) throw error;
    return done(`topic '${named.topicName}' was already gone`);
  }
  return done(`deleted topic '${named.topicName}'`);
}

/** Kafka's UNKNOWN_TOPIC_OR_PARTITION, itself or as the cause kafkajs gives up on after retrying. */
function isUnknownTopic(error: unknown): boolean {
  let e = error as { type?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    if (e.type === 'UNKNOWN_TOPIC_OR_PARTITION') return true;
    e = e.cause as typeof e;
  }
  return false;
}
