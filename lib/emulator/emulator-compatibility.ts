import { ArnFormat, CfnResource, type IAspect, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { KafkaLog } from '../patterns/kafka-log/kafka-log.js';

/**
 * The local Kafka broker (`npm run kafka -- start`): plaintext, no authentication. MSK
 * Serverless takes IAM-authenticated TLS only; the emulator has no Kafka at all.
 */
export const LOCAL_KAFKA_BROKERS = '127.0.0.1:9092';

/** Metadata key under which a stood-in resource keeps its AWS definition for the bridge. */
export const EMULATOR_BRIDGE_METADATA = 'EmulatorBridge';

/**
 * Resource types the local emulator's CloudFormation rejects outright ("Unrecognized resource
 * types"), failing the whole stack. See docs/emulator-parity.md.
 */
export const UNSUPPORTED_ON_EMULATOR: ReadonlySet<string> = new Set([
  'AWS::Events::Archive',
  'AWS::Events::EventBusPolicy',
  'AWS::EventSchemas::Registry',
  'AWS::EventSchemas::Schema',
  // Cross-group rules; the emulator keeps no network between its Lambda workers anyway.
  'AWS::EC2::SecurityGroupIngress',
  'AWS::EC2::SecurityGroupEgress',
  'AWS::EC2::FlowLog',
  // No Kafka: the local broker stands in for the cluster.
  'AWS::MSK::ServerlessCluster',
]);

/**
 * Emulator-only: replaces each resource the emulator's CloudFormation cannot create with a
 * no-op stand-in (`AWS::CloudFormation::WaitConditionHandle`). An archive's definition rides in
 * the stand-in's metadata, and scripts/emulator/bridge.ts creates it through the
 * EventBridge API after the deploy; the schema registry has no local counterpart, and a bus
 * policy is left out (the emulator would store it without enforcing it).
 *
 * The Kafka log: the MSK cluster becomes a stand-in for the local broker (`Ref` of a stand-in
 * still resolves, so grants naming the cluster's ARN deploy unchanged), and so does each MSK
 * event source mapping, whose definition (in metadata) the local event source
 * (`npm run stream:events`, scripts/stream/local-event-source.ts) runs. Functions that reach
 * the log, the topic provisioner among them, get the local broker's address and no
 * authentication, and the topic one replica per partition: the provisioner creates it on the
 * local broker as it does on MSK.
 *
 * bin/app.ts applies this only with `--context target=emulator`, which only the local deploy
 * script passes: `cdk deploy` to AWS synthesizes the real resources.
 */
export class EmulatorCompatibility implements IAspect {
  public visit(node: IConstruct): void {
    if (node instanceof KafkaLog) {
      const topic = node.topic.node.defaultChild as CfnResource;
      // One local broker holds one replica of each partition.
      topic.addPropertyOverride('ReplicationFactor', 1);
      // The cluster's stand-in has no ARN; name the local broker's cluster in its place.
      topic.addPropertyOverride(
        'ClusterArn',
        Stack.of(node).formatArn({
          service: 'kafka',
          resource: 'cluster',
          resourceName: `${node.clusterName}/local-broker`,
          arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        }),
      );
      return;
    }
    if (node instanceof lambda.CfnFunction) {
      this.pointAtLocalBroker(node);
      return;
    }
    if (node instanceof lambda.CfnEventSourceMapping && node.topics !== undefined) {
      node.addMetadata(EMULATOR_BRIDGE_METADATA, {
        Type: node.cfnResourceType,
        Properties: kafkaMappingDefinition(node),
      });
      standIn(node);
      return;
    }
    if (!(node instanceof CfnResource) || !UNSUPPORTED_ON_EMULATOR.has(node.cfnResourceType)) return;
    if (node instanceof events.CfnArchive) {
      node.addMetadata(EMULATOR_BRIDGE_METADATA, {
        Type: node.cfnResourceType,
        Properties: {
          SourceArn: node.sourceArn,
          EventPattern: node.eventPattern,
          RetentionDays: node.retentionDays,
          Description: node.description,
        },
      });
    }
    standIn(node);
  }

  private pointAtLocalBroker(fn: lambda.CfnFunction): void {
    // lambda.Function renders its environment lazily: resolve it to read the names.
    const environment = Stack.of(fn).resolve(fn.environment) as
      | lambda.CfnFunction.EnvironmentProperty
      | undefined;
    const variables = environment?.variables as Record<string, unknown> | undefined;
    if (variables?.KAFKA_BOOTSTRAP_BROKERS === undefined && variables?.KAFKA_CLUSTER_ARN === undefined)
      return;
    fn.addPropertyOverride('Environment.Variables.KAFKA_BOOTSTRAP_BROKERS', LOCAL_KAFKA_BROKERS);
    fn.addPropertyOverride('Environment.Variables.KAFKA_AUTH', 'none');
  }
}

function standIn(node: CfnResource): void {
  node.addOverride('Type', 'AWS::CloudFormation::WaitConditionHandle');
  node.addDeletionOverride('Properties');
}

/** What the local event source needs of an MSK event source mapping, as CloudFormation names it. */
function kafkaMappingDefinition(m: lambda.CfnEventSourceMapping): Record<string, unknown> {
  const group = m.amazonManagedKafkaEventSourceConfig as
    | lambda.CfnEventSourceMapping.AmazonManagedKafkaEventSourceConfigProperty
    | undefined;
  const destination = m.destinationConfig as
    | lambda.CfnEventSourceMapping.DestinationConfigProperty
    | undefined;
  const onFailure = destination?.onFailure as lambda.CfnEventSourceMapping.OnFailureProperty | undefined;
  return {
    FunctionName: m.functionName,
    Topics: m.topics,
    ConsumerGroupId: group?.consumerGroupId,
    StartingPosition: m.startingPosition,
    BatchSize: m.batchSize,
    MaximumBatchingWindowInSeconds: m.maximumBatchingWindowInSeconds,
    MaximumRetryAttempts: m.maximumRetryAttempts,
    BisectBatchOnFunctionError: m.bisectBatchOnFunctionError,
    FunctionResponseTypes: m.functionResponseTypes,
    OnFailureDestination: onFailure?.destination,
  };
}
