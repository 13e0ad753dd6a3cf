import { type App, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { contextFlag } from './context-flag.js';

/** The CDK context key that gives each stack its own customer-managed key (`-c customerKeys=true`). */
export const CUSTOMER_KEYS_CONTEXT_KEY = 'customerKeys';
export const DATA_KEYS_STACK_ID = 'OrderDataKeys';

/** How a stack of this app takes the key for its stores. */
export interface DataEncryptionProps {
  /**
   * Customer-managed key for every table and every log group of the stack (the fulfilment
   * stack's saga state machine too); its key policy gets the statement CloudWatch Logs needs.
   * @default AWS-owned or AWS-managed encryption: DynamoDB's AWS-managed key, CloudWatch Logs'
   * own encryption, Step Functions' AWS-owned key
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * Acknowledges the cdk-nag findings a stack's data key brings, when it has one: CDK's DynamoDB
 * and KMS grants name `kms:GenerateDataKey*` and `kms:ReEncrypt*`, on the key's ARN only
 * (test/cdk/hardening.test.ts checks that no wildcard KMS action names anything else).
 */
export function acknowledgeDataKeyGrants(stack: Stack, key: kms.IKey | undefined): void {
  if (!key) return;
  const reason =
    "CDK's DynamoDB and KMS grants for the stack's customer-managed key; they name that key's ARN only.";
  Validations.of(stack).acknowledge(
    { id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason },
    { id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason },
  );
}

/**
 * One customer-managed key per stack of the app, in a stack of their own so the data stacks
 * can take them as props (a key must exist before the stack that uses it is constructed).
 * Each key costs $1 a month, which is why the app has none unless asked.
 */
export class DataKeysStack extends Stack {
  private readonly keys = new Map<string, kms.Key>();

  /** The key of the stack with this id, created on first use. */
  public keyFor(stackId: string): kms.Key {
    const existing = this.keys.get(stackId);
    if (existing) return existing;
    const key = new kms.Key(this, stackId, {
      description: `Tables and log groups of the ${stackId} stack`,
      enableKeyRotation: true,
      // The reference app's data is disposable (its tables and log groups are removed too).
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.keys.set(stackId, key);
    return key;
  }
}

/** The keys stack when the app's context asks for customer-managed keys; else none. */
export function dataKeysFromContext(app: App, props: StackProps = {}): DataKeysStack | undefined {
  if (!contextFlag(app, CUSTOMER_KEYS_CONTEXT_KEY)) return undefined;
  return new DataKeysStack(app, DATA_KEYS_STACK_ID, {
    description: 'Order fulfilment reference: a customer-managed key for the tables and logs of each stack.',
    ...props,
  });
}
