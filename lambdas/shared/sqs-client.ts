import { SQSClient } from '@aws-sdk/client-sqs';

// Apart from clients.ts: a function that needs only SQS (the outbox relay's dead-letter path)
// must not import the DynamoDB document client, which esbuild cannot shake out (28 KB).
let sqs: SQSClient | undefined;

/** The function's SQS client, created on first use. */
export function sqsClient(): SQSClient {
  sqs ??= new SQSClient({});
  return sqs;
}
