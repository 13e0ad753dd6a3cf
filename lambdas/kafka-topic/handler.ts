import { GetBootstrapBrokersCommand, KafkaClient, NotFoundException } from '@aws-sdk/client-kafka';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { type Admin, Kafka } from 'kafkajs';
import { type KafkaConnection, kafkaConfig, kafkaConnectionFromEnv } from '../shared/kafka.js';
import { logger } from '../shared/powertools.js';
import {
  failedResourceId,
  type KafkaCluster,
  provisionTopic,
  type TopicPorts,
  type TopicResult,
} from './topic.js';

// The topic provisioner of KafkaLog (Custom::KafkaTopic): a thin adapter over topic.ts that
// answers CloudFormation itself, through the request's pre-signed URL.
const msk = new KafkaClient({});

/** Time kept back to answer FAILED before Lambda stops the function, which would leave the stack waiting. */
export const ANSWER_MARGIN_MS = 10_000;
/** CloudFormation takes a response of at most 4 KiB; the reason is the part that can grow. */
const MAX_REASON_LENGTH = 2_000;

/**
 * The brokers: KAFKA_BOOTSTRAP_BROKERS when the function is given them (a cluster whose address
 * is known before it exists: the local broker of the emulator build), else the cluster's
 * SASL/IAM bootstrap string from the MSK API (the serverless address is no stack attribute).
 */
async function connectionTo(clusterArn: string): Promise<KafkaConnection | undefined> {
  if (process.env.KAFKA_BOOTSTRAP_BROKERS) return kafkaConnectionFromEnv();
  let bootstrapBrokers: string | undefined;
  try {
    ({ BootstrapBrokerStringSaslIam: bootstrapBrokers } = await msk.send(
      new GetBootstrapBrokersCommand({ ClusterArn: clusterArn }),
    ));
  } catch (error) {
    if (error instanceof NotFoundException) return undefined;
    throw error;
  }
  if (bootstrapBrokers === undefined || bootstrapBrokers === '') {
    throw new Error(
      `MSK cluster ${clusterArn} has no SASL/IAM bootstrap brokers: is IAM client authentication on?`,
    );
  }
  return { brokers: bootstrapBrokers.split(',').map((b) => b.trim()), auth: 'iam' };
}

async function openCluster(clusterArn: string, opened: Admin[]): Promise<KafkaCluster | undefined> {
  const connection = await connectionTo(clusterArn);
  if (!connection) return undefined;
  const admin = new Kafka(kafkaConfig(connection, 'kafka-topic-provisioner')).admin();
  opened.push(admin);
  await admin.connect();
  return { bootstrapBrokers: connection.brokers.join(','), admin };
}

/** Rejects shortly before the function would time out. */
function deadline(context: Context): { expired: Promise<never>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error('The topic provisioner ran out of time before Kafka answered.')),
      Math.max(0, context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS),
    );
  });
  return { expired, cancel: () => clearTimeout(timer) };
}

type Answer =
  | { readonly Status: 'SUCCESS'; readonly result: TopicResult }
  | { readonly Status: 'FAILED'; readonly Reason: string };

async function answer(event: CloudFormationCustomResourceEvent, outcome: Answer, physicalResourceId: string) {
  const body = JSON.stringify({
    Status: outcome.Status,
    ...(outcome.Status === 'FAILED' ? { Reason: outcome.Reason } : {}),
    PhysicalResourceId: physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    ...(outcome.Status === 'SUCCESS' && outcome.result.data ? { Data: outcome.result.data } : {}),
  });
  // The pre-signed URL is signed without a content type: any other than none is refused.
  const response = await fetch(event.ResponseURL, { method: 'PUT', headers: { 'content-type': '' }, body });
  if (!response.ok) {
    throw new Error(
      `CloudFormation's response URL refused the answer: ${response.status} ${await response.text()}`,
    );
  }
}

export const handler = async (event: CloudFormationCustomResourceEvent, context: Context): Promise<void> => {
  logger.addContext(context);
  const request = { requestType: event.RequestType, logicalResourceId: event.LogicalResourceId };
  const opened: Admin[] = [];
  const ports: TopicPorts = { openCluster: (clusterArn) => openCluster(clusterArn, opened) };
  const { expired, cancel } = deadline(context);
  let outcome: Answer;
  try {
    const result = await Promise.race([provisionTopic(event, ports), expired]);
    logger.info('Topic provisioned', {
      ...request,
      physicalResourceId: result.physicalResourceId,
      actions: result.actions,
    });
    outcome = { Status: 'SUCCESS', result };
  } catch (error) {
    logger.error('Topic provisioning failed', { ...request, error });
    const message = error instanceof Error ? error.message : String(error);
    outcome = {
      Status: 'FAILED',
      Reason: `${message.slice(0, MAX_REASON_LENGTH)} (log stream ${context.logStreamName})`,
    };
  } finally {
    cancel();
  }
  const physicalResourceId =
    outcome.Status === 'SUCCESS' ? outcome.result.physicalResourceId : failedResourceId(event);
  try {
    await answer(event, outcome, physicalResourceId);
    logger.info('Answered CloudFormation', { ...request, status: outcome.Status, physicalResourceId });
  } finally {
    // After answering: a slow disconnect must not hold up the stack.
    await Promise.allSettled(opened.map((admin) => admin.disconnect()));
  }
};
