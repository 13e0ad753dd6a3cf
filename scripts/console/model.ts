/**
 * What the console's server sends its page: the app's topology, laid out, and live readings.
 * Types only, shared by the server (Node) and the page (browser bundle).
 */
import type { OrderTrace } from '../trace/model.js';

export type NodeKind =
  | 'bus'
  | 'rule'
  | 'queue'
  | 'dead-letter-queue'
  | 'function'
  | 'topic'
  | 'state-machine'
  | 'event-store'
  | 'kafka-topic'
  | 'consumer-group';

export interface TopologyNode {
  /** `stack/logicalId`, or `group:<id>` for a Kafka consumer group (no resource of its own). */
  readonly id: string;
  readonly kind: NodeKind;
  /** What the drawing shows, e.g. `FraudReview`, `EmailQueue DLQ`, `orders.events`. */
  readonly label: string;
  readonly stackName: string;
  /** The logical id in the stack's template (absent for consumer groups). */
  readonly logicalId?: string;
  /** The construct path, or the group id. */
  readonly path: string;
  /** Facts shown when the node is selected: an event pattern, a group's settings, ... */
  readonly details: Readonly<Record<string, string>>;
  /** Names a trace hop may use for this node (label, construct name, group id, topic name). */
  readonly aliases: readonly string[];
}

export type EdgeKind = 'flow' | 'dead-letter';

export interface TopologyEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  /** Why the edge exists, e.g. `rule target`, `subscription (filter policy)`, `after 5 receives`. */
  readonly label: string;
}

/** An SNS subscription and its filter policy (edges show where; this says what passes). */
export interface SubscriptionView {
  readonly topic: string;
  readonly endpoint: string;
  readonly protocol: string;
  readonly filterPolicy?: string;
  readonly filterPolicyScope?: string;
}

export interface RuleView {
  readonly nodeId: string;
  readonly name: string;
  readonly bus: string;
  readonly pattern: string;
  readonly targets: readonly string[];
}

export interface Topology {
  readonly nodes: readonly TopologyNode[];
  readonly edges: readonly TopologyEdge[];
  readonly rules: readonly RuleView[];
  readonly subscriptions: readonly SubscriptionView[];
  readonly stacks: readonly string[];
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** A node's box, centre and size, from the layout. */
export interface NodeBox extends Point {
  readonly width: number;
  readonly height: number;
}

export interface LaidOutTopology extends Topology {
  readonly boxes: Readonly<Record<string, NodeBox>>;
  /** One box per stack, around its nodes. */
  readonly clusters: Readonly<Record<string, NodeBox>>;
  /** Edge routes, in the order of `edges`. */
  readonly routes: readonly (readonly Point[])[];
  readonly width: number;
  readonly height: number;
}

export interface QueueReading {
  readonly visible: number;
  readonly inFlight: number;
}

export interface KafkaReading {
  readonly topic: string;
  readonly partitions: number;
  /** Records the topic retains over every partition. */
  readonly records: number;
  /** Total lag per consumer group id. */
  readonly lag: Readonly<Record<string, number>>;
}

export interface LiveSnapshot {
  /** ISO time of the reading. */
  readonly at: string;
  /** By node id. */
  readonly queues: Readonly<Record<string, QueueReading>>;
  readonly kafka?: KafkaReading;
  /** Running saga executions, when they could be counted. */
  readonly runningSagas?: number;
  readonly totals: {
    readonly waiting: number;
    readonly inFlight: number;
    readonly deadLettered: number;
  };
  /** What could not be read this time, in words. */
  readonly problems: readonly string[];
}

export interface TraceResponse {
  readonly trace: OrderTrace;
  /** The trace as `npm run trace` prints it. */
  readonly text: string;
  /** Ids of the nodes the order's hops touched. */
  readonly touched: readonly string[];
}

export interface DeadLetterView {
  readonly shortName: string;
  readonly name: string;
  readonly kind: string;
  readonly url: string;
  /** The node of the drawing, when the queue is in it. */
  readonly nodeId?: string;
  readonly visible: number;
  readonly inFlight: number;
  readonly redrivesTo: string;
}

export interface DeadLetterMessageView {
  readonly messageId: string;
  readonly sentAt?: string;
  readonly receives: string;
  readonly reason: string;
  readonly body: string;
}

export interface DeadLetterMessages {
  readonly queue: DeadLetterView;
  readonly messages: readonly DeadLetterMessageView[];
}

export interface DryRunView {
  readonly queue: string;
  /** As `npm run redrive -- <queue> --dry-run` says it. */
  readonly outcome: string;
  readonly wouldMove: number;
}

export interface ApiError {
  readonly error: string;
}

/** What `GET /api/topology` answers: the drawing and the deployed names of its nodes. */
export interface TopologyResponse extends LaidOutTopology {
  readonly physicalIds: Readonly<Record<string, string>>;
  /** How often the server reads the live figures; the page asks as often. */
  readonly pollMs: number;
}
