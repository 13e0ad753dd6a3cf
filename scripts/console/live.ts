import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { ListExecutionsCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { Admin } from 'kafkajs';
import { queueDepth, type SqsLike } from '../dead-letters/dead-letters.js';
import { groupLag, totalLag } from '../stream/lag.js';
import type { KafkaReading, LiveSnapshot, QueueReading, Topology } from './model.js';

/**
 * The console's live readings: every drawn queue's depth (SQS GetQueueAttributes), the Kafka
 * topic's retained records and each group's lag (from the broker), the running sagas.
 */

export interface LiveClients {
  readonly cfn: Pick<CloudFormationClient, 'send'>;
  readonly sqs: SqsLike;
  readonly sfn: Pick<SFNClient, 'send'>;
  /** A connected Kafka admin, or undefined when the broker cannot be reached. */
  readonly kafkaAdmin: () => Promise<Admin>;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function readLive(
  clients: LiveClients,
  topology: Topology,
  ids: ReadonlyMap<string, string>,
): Promise<LiveSnapshot> {
  const problems: string[] = [];
  const queueNodes = topology.nodes.filter((n) => n.kind === 'queue' || n.kind === 'dead-letter-queue');
  const readings = await Promise.all(
    queueNodes.map(async (n): Promise<[string, QueueReading] | undefined> => {
      const url = ids.get(n.id);
      if (!url) return undefined;
      try {
        return [n.id, await queueDepth(clients.sqs, url)];
      } catch (error) {
        problems.push(`${n.label}: ${message(error)}`);
        return undefined;
      }
    }),
  );
  const queues = Object.fromEntries(readings.filter((r) => r !== undefined));

  let kafka: KafkaReading | undefined;
  const topicNode = topology.nodes.find((n) => n.kind === 'kafka-topic');
  if (topicNode) {
    const groups = topology.nodes.filter((n) => n.kind === 'consumer-group').map((n) => n.label);
    try {
      const partitions = await groupLag(await clients.kafkaAdmin(), topicNode.label, groups);
      kafka = {
        topic: topicNode.label,
        partitions: partitions.length,
        records: partitions.reduce((sum, p) => sum + p.records, 0),
        lag: Object.fromEntries(groups.map((g) => [g, totalLag(partitions, g)])),
      };
    } catch (error) {
      problems.push(`Kafka topic ${topicNode.label}: ${message(error)}`);
    }
  }

  let runningSagas: number | undefined;
  const saga = topology.nodes.find((n) => n.kind === 'state-machine');
  const sagaArn = saga ? ids.get(saga.id) : undefined;
  if (sagaArn) {
    try {
      const out = await clients.sfn.send(
        new ListExecutionsCommand({ stateMachineArn: sagaArn, statusFilter: 'RUNNING', maxResults: 1000 }),
      );
      runningSagas = out.executions?.length ?? 0;
    } catch (error) {
      problems.push(`saga executions: ${message(error)}`);
    }
  }

  const isDlq = new Set(queueNodes.filter((n) => n.kind === 'dead-letter-queue').map((n) => n.id));
  const sum = (pick: (id: string, r: QueueReading) => number) =>
    Object.entries(queues).reduce((total, [id, r]) => total + pick(id, r), 0);
  return {
    at: new Date().toISOString(),
    queues,
    ...(kafka ? { kafka } : {}),
    ...(runningSagas === undefined ? {} : { runningSagas }),
    totals: {
      waiting: sum((id, r) => (isDlq.has(id) ? 0 : r.visible)),
      inFlight: sum((_, r) => r.inFlight),
      deadLettered: sum((id, r) => (isDlq.has(id) ? r.visible + r.inFlight : 0)),
    },
    problems,
  };
}
