import { SQSClient } from '@aws-sdk/client-sqs';

// Apart from clients.ts: a function that needs SQS but not DynamoDB (the outbox relay's
// dead-letter path) must not bundle the DynamoDB client, which esbuild cannot shake out.
let sqs: SQSClient | undefined;

/** The function's SQS client, created on first use. */
export function sqsClient(): SQSClient {
  sqs ??= new SQSClient({});
  return sqs;
}
