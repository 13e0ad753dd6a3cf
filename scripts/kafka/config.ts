/**
 * The local Kafka engine's layout, server.properties and command line: pure, so that the
 * settings that carry the semantics (replication, min.insync.replicas, no unclean election,
 * no auto-created topics) are unit-tested rather than read off a running broker.
 */
import { parseArgs } from 'node:util';

/** Kept equal to scripts/kafka/pom.xml (a unit test compares them). */
export const KAFKA_VERSION = '4.1.1';
export const SLF4J_VERSION = '2.0.17';
export const KAFKA_HOST = '127.0.0.1';

/** The one-broker default: where `npm run kafka -- start` and the app look first. */
export const SINGLE_BROKER_PORT = 9092;
/** Cluster mode: broker i listens on 19091 + i and its controller on 19191 + i. */
export const CLUSTER_BASE_PORT = 19092;
export const CLUSTER_CONTROLLER_OFFSET = 100;
/** Each node is a JVM of about 340 MB resident: more than five does not fit a laptop's spare memory. */
export const MAX_BROKERS = 5;

export interface KafkaNode {
  /** node.id, also the broker id the cluster reports. */
  readonly id: number;
  /** File stem under .local/kafka: `<name>.log`, `<name>.pid`, `<name>/server.properties`. */
  readonly name: string;
  readonly port: number;
  readonly controllerPort: number;
}

export interface ClusterLayout {
  /** 'broker' for the one-broker default, 'cluster' for N nodes; also the metadata file's stem. */
  readonly name: 'broker' | 'cluster';
  readonly nodes: readonly KafkaNode[];
  /** Replication of the internal topics (offsets, transactions, share groups) and of new topics. */
  readonly replicationFactor: number;
  /** The broker-wide default; a topic may set its own. */
  readonly minInsyncReplicas: number;
}

/**
 * One broker on 9092, or N combined broker+controller nodes on 19092.. with their controllers
 * on 19192..: distinct ports, so a cluster can run beside the default broker.
 */
export function clusterLayout(brokers = 1): ClusterLayout {
  if (!Number.isInteger(brokers) || brokers < 1 || brokers > MAX_BROKERS) {
    throw new Error(`the number of brokers must be a whole number from 1 to ${MAX_BROKERS}, got ${brokers}.`);
  }
  if (brokers === 1) {
    return {
      name: 'broker',
      nodes: [{ id: 1, name: 'broker-1', port: SINGLE_BROKER_PORT, controllerPort: SINGLE_BROKER_PORT + 1 }],
      replicationFactor: 1,
      minInsyncReplicas: 1,
    };
  }
  const nodes = Array.from({ length: brokers }, (_, i) => ({
    id: i + 1,
    name: `cluster-${i + 1}`,
    port: CLUSTER_BASE_PORT + i,
    controllerPort: CLUSTER_BASE_PORT + CLUSTER_CONTROLLER_OFFSET + i,
  }));
  const replicationFactor = Math.min(brokers, 3);
  // Two of three in sync is the usual durable setting; with two nodes, one must be enough or
  // any single failure stops every acks=all producer.
  return { name: 'cluster', nodes, replicationFactor, minInsyncReplicas: Math.min(2, replicationFactor - 1) };
}

/** `host:port` of every broker listener, for client bootstrap lists. */
export const bootstrapServers = (layout: ClusterLayout): string[] =>
  layout.nodes.map((n) => `${KAFKA_HOST}:${n.port}`);

/** server.properties for one node, as `key=value` lines (Java properties; no value needs escaping). */
export function serverProperties(layout: ClusterLayout, nodeId: number, dataDir: string): string {
  const node = layout.nodes.find((n) => n.id === nodeId);
  if (!node) throw new Error(`node ${nodeId} is not part of the ${layout.name} layout.`);
  const rf = layout.replicationFactor;
  const internalMinIsr = Math.min(2, rf);
  const clustered = layout.nodes.length > 1;
  const entries: [string, string | number | boolean][] = [
    ['node.id', node.id],
    // Combined nodes: each is a broker and a controller voter, so no separate controller JVMs.
    ['process.roles', 'broker,controller'],
    ['listeners', `PLAINTEXT://${KAFKA_HOST}:${node.port},CONTROLLER://${KAFKA_HOST}:${node.controllerPort}`],
    ['advertised.listeners', `PLAINTEXT://${KAFKA_HOST}:${node.port}`],
    ['listener.security.protocol.map', 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT'],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    ['controller.listener.names', 'CONTROLLER'],
    // Static voters: the storage is formatted without --standalone and every node knows the quorum.
    [
      'controller.quorum.voters',
      layout.nodes.map((n) => `${n.id}@${KAFKA_HOST}:${n.controllerPort}`).join(','),
    ],
    ['log.dirs', dataDir],
    ['offsets.topic.replication.factor', rf],
    ['transaction.state.log.replication.factor', rf],
    ['transaction.state.log.min.isr', internalMinIsr],
    ['share.coordinator.state.topic.replication.factor', rf],
    ['share.coordinator.state.topic.min.isr', internalMinIsr],
    ['default.replication.factor', rf],
    ['min.insync.replicas', layout.minInsyncReplicas],
    // Only an in-sync replica may lead: a failover never silently drops what acks=all confirmed.
    ['unclean.leader.election.enable', false],
    // Topics are created on purpose, with their partitions and retention; a typo is an error.
    ['auto.create.topics.enable', false],
    // Local consumers join together; the 3 s default would delay every first poll.
    ['group.initial.rebalance.delay.ms', 0],
    // Retention is enforced every few seconds (Kafka checks every 5 minutes by default), so a
    // short-retention topic visibly drops its old segments in a test.
    ['log.retention.check.interval.ms', 2000],
  ];
  if (clustered) {
    // A killed node is fenced (and leaves every ISR) after the session timeout: 9 s by default,
    // shortened so a local failover takes seconds. Heartbeats stay well inside it.
    entries.push(['broker.heartbeat.interval.ms', 1000], ['broker.session.timeout.ms', 5000]);
  }
  return `${entries.map(([k, v]) => `${k}=${v}`).join('\n')}\n`;
}

/**
 * A KRaft cluster id: 16 random bytes in URL-safe base64 without padding, as Kafka's own
 * `random-uuid` prints; one starting with '-' is refused because it reads as an option.
 */
export function clusterIdFrom(bytes: Uint8Array): string | undefined {
  if (bytes.length !== 16) throw new Error('a cluster id is 16 bytes.');
  const id = Buffer.from(bytes).toString('base64url');
  return id.startsWith('-') ? undefined : id;
}

export const KAFKA_USAGE = `Usage: npm run kafka -- <start|stop|status> [--brokers N]

Runs Apache Kafka ${KAFKA_VERSION} locally in KRaft mode from pinned Maven Central jars (no Docker):
fetched once into .local/kafka/libs with Maven, started in the background, stopped by the PIDs
recorded in .local/kafka/. Needs Java 17+ (and Maven for the first fetch).

  start       fetch (first run), format (first run) and start, or reuse what already runs;
              prints the bootstrap servers
  stop        stop the nodes this project started (SIGTERM, then SIGKILL after 20 s)
  status      say which nodes run and what the cluster reports
  --brokers N 1 (default): one broker on ${KAFKA_HOST}:${SINGLE_BROKER_PORT}, replication factor 1;
              2-${MAX_BROKERS}: a cluster of N broker+controller nodes on ${CLUSTER_BASE_PORT}.. (controllers
              on ${CLUSTER_BASE_PORT + CLUSTER_CONTROLLER_OFFSET}..), replication factor min(N, 3),
              min.insync.replicas 2 from 3 nodes
  --help      this text

Logs: .local/kafka/<node>.log. Exit status: 0 on success, 1 on a failure, 2 for a bad command line.`;

export type KafkaCommand = 'start' | 'stop' | 'status';
export type ParsedKafkaArgs =
  | { readonly help: true }
  | { readonly help: false; readonly command: KafkaCommand; readonly brokers: number };

/** The CLI's command and broker count; throws with a message for anything else. */
export function parseKafkaArgs(args: readonly string[]): ParsedKafkaArgs {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { brokers: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) return { help: true };
  const [command, ...extra] = positionals;
  if (command === undefined) throw new Error('give a command: start, stop or status.');
  if (command !== 'start' && command !== 'stop' && command !== 'status') {
    throw new Error(`unknown command '${command}'.`);
  }
  if (extra.length > 0) throw new Error(`unexpected argument '${extra[0]}'.`);
  const raw = values.brokers ?? '1';
  const brokers = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(brokers) || brokers < 1 || brokers > MAX_BROKERS) {
    throw new Error(`--brokers must be a whole number from 1 to ${MAX_BROKERS}, got '${raw}'.`);
  }
  return { help: false, command, brokers };
}
