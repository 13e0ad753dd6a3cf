/**
 * Public on-demand list prices in us-east-1, in USD, as published on each service's pricing
 * page on PRICES_AS_OF. Free tiers are ignored. Update the date with the figures.
 */
export const PRICES_AS_OF = '2026-11-27';

export interface Price {
  readonly usd: number;
  /** What one `usd` buys. */
  readonly per: string;
  readonly source: string;
}

/** A price that falls with monthly volume: `upTo` is the tier's upper bound in `per` units. */
export interface Tier {
  readonly upTo: number;
  readonly usd: number;
}

const LAMBDA = 'https://aws.amazon.com/lambda/pricing/';
const SNS = 'https://aws.amazon.com/sns/pricing/';
const SQS = 'https://aws.amazon.com/sqs/pricing/';
const EVENTBRIDGE = 'https://aws.amazon.com/eventbridge/pricing/';
const STEP_FUNCTIONS = 'https://aws.amazon.com/step-functions/pricing/';
const DYNAMODB = 'https://aws.amazon.com/dynamodb/pricing/on-demand/';
/** The overview says which stream reads are free (the on-demand page lists their price). */
const DYNAMODB_STREAMS = 'https://aws.amazon.com/dynamodb/pricing/';
const CLOUDWATCH = 'https://aws.amazon.com/cloudwatch/pricing/';
const KMS = 'https://aws.amazon.com/kms/pricing/';
const XRAY = 'https://aws.amazon.com/xray/pricing/';
/**
 * MSK Serverless's figures could not be read on this page as stored (it renders its price
 * tables client-side: the stored copy names the dimensions, cluster-hours, partition-hours,
 * data in, data out and storage, without the figures). The figures below are the us-east-1
 * ones that independent public copies agree on: a 2022 table of MSK Serverless us-east-1 prices
 * (https://gist.github.com/EverettBerry/d24aa940ad43c313803248cea6366682) and a 2026 cost model
 * of a public repository (cluster-hour 0.75, partition-hour 0.0015, 0.10/GB in, 0.05/GB out).
 * Check them against the page before relying on them.
 */
const MSK = 'https://aws.amazon.com/msk/pricing/';
/**
 * Provisioned mode for event source mappings: the Kafka guide page gives the EPU price in
 * us-east-1, 10 event pollers per EPU, and that an ESM outside a poller group takes an EPU of
 * its own; the pricing page's examples bill $0.185 per EPU-hour (both confirmed on stored copies).
 */
const LAMBDA_KAFKA_PROVISIONED =
  'https://docs.aws.amazon.com/lambda/latest/dg/kafka-scaling-modes.html#kafka-cost-optimization';
/**
 * The data-processing tiers ($0.01/GB for the first PB a month) were confirmed on stored copies
 * of the page; the hourly rate per endpoint per AZ is rendered client-side there, and $0.01 is
 * the figure third-party guides quote (e.g. https://awsnegotiations.com/privatelink-cost-analysis.html):
 * not confirmed on the page itself.
 */
const PRIVATELINK = 'https://aws.amazon.com/privatelink/pricing/';

export const PRICES = {
  lambdaRequest: { usd: 0.2 / 1e6, per: 'request', source: LAMBDA },
  snsPublish: { usd: 0.5 / 1e6, per: '64 KB chunk published (standard topic)', source: SNS },
  snsSqsDelivery: { usd: 0, per: 'delivery to an SQS queue (standard topic)', source: SNS },
  snsFifoPublish: { usd: 0.3 / 1e6, per: 'publish request (FIFO topic)', source: SNS },
  snsFifoPublishPayload: { usd: 0.017, per: 'GB published (FIFO topic)', source: SNS },
  snsFifoDelivery: { usd: 0.01 / 1e6, per: 'delivery to an SQS queue (FIFO topic)', source: SNS },
  snsFifoDeliveryPayload: { usd: 0.001, per: 'GB delivered (FIFO topic)', source: SNS },
  sqsStandardRequest: { usd: 0.4 / 1e6, per: '64 KB chunk of a request (standard queue)', source: SQS },
  sqsFifoRequest: { usd: 0.5 / 1e6, per: '64 KB chunk of a request (FIFO queue)', source: SQS },
  eventBridgeEvent: { usd: 1 / 1e6, per: '64 KB chunk of a custom event published', source: EVENTBRIDGE },
  eventBridgeArchive: { usd: 0.1, per: 'GB of events archived', source: EVENTBRIDGE },
  sfnStandardTransition: { usd: 0.025 / 1000, per: 'state transition (Standard)', source: STEP_FUNCTIONS },
  sfnExpressRequest: { usd: 1 / 1e6, per: 'execution (Express)', source: STEP_FUNCTIONS },
  dynamoWrite: { usd: 0.625 / 1e6, per: 'write request unit (on-demand)', source: DYNAMODB },
  dynamoRead: { usd: 0.125 / 1e6, per: 'read request unit (on-demand)', source: DYNAMODB },
  dynamoStorage: { usd: 0.25, per: 'GB-month stored (Standard table class)', source: DYNAMODB },
  dynamoStreamsLambdaRead: {
    usd: 0,
    per: 'stream read request (GetRecords) by a Lambda trigger',
    source: DYNAMODB_STREAMS,
  },
  logsIngestion: { usd: 0.5, per: 'GB ingested (CloudWatch Logs, standard class)', source: CLOUDWATCH },
  alarm: { usd: 0.1, per: 'standard-resolution alarm a month', source: CLOUDWATCH },
  dashboard: { usd: 3, per: 'dashboard a month', source: CLOUDWATCH },
  kmsKey: { usd: 1, per: 'customer managed key a month', source: KMS },
  kmsRequest: { usd: 0.03 / 10_000, per: 'request', source: KMS },
  xrayTrace: { usd: 5 / 1e6, per: 'trace recorded', source: XRAY },
  mskServerlessClusterHour: { usd: 0.75, per: 'cluster-hour (MSK Serverless)', source: MSK },
  mskServerlessPartitionHour: { usd: 0.0015, per: 'partition-hour (MSK Serverless)', source: MSK },
  mskServerlessDataIn: { usd: 0.1, per: 'GB written to the cluster (MSK Serverless)', source: MSK },
  mskServerlessDataOut: { usd: 0.05, per: 'GB read from the cluster (MSK Serverless)', source: MSK },
  mskServerlessStorage: { usd: 0.1, per: 'GB-month stored (MSK Serverless)', source: MSK },
  lambdaKafkaEventPollerUnitHour: {
    usd: 0.185,
    per: 'event poller unit (EPU) hour, provisioned mode of an MSK or Kafka event source mapping',
    source: LAMBDA_KAFKA_PROVISIONED,
  },
  privateLinkEndpointHour: {
    usd: 0.01,
    per: 'interface VPC endpoint hour, per Availability Zone',
    source: PRIVATELINK,
  },
  privateLinkDataProcessed: {
    usd: 0.01,
    per: 'GB processed by interface endpoints (the first PB a month in the Region)',
    source: PRIVATELINK,
  },
} as const satisfies Record<string, Price>;

/** Lambda compute per GB-second, by architecture; tiers are per account and month. */
export const LAMBDA_GB_SECOND: Record<'arm64' | 'x86_64', readonly Tier[]> = {
  arm64: [
    { upTo: 7.5e9, usd: 0.0000133334 },
    { upTo: 18.75e9, usd: 0.0000120001 },
    { upTo: Number.POSITIVE_INFINITY, usd: 0.0000106667 },
  ],
  x86_64: [
    { upTo: 6e9, usd: 0.0000166667 },
    { upTo: 15e9, usd: 0.000015 },
    { upTo: Number.POSITIVE_INFINITY, usd: 0.0000133334 },
  ],
};

/** Step Functions Express duration per GB-hour (tiers per account and month). */
export const SFN_EXPRESS_GB_HOUR: readonly Tier[] = [
  { upTo: 1000, usd: 0.06 },
  { upTo: 5000, usd: 0.03 },
  { upTo: Number.POSITIVE_INFINITY, usd: 0.01642 },
];

/** Billing granularities that the arithmetic rounds to. */
export const BILLING = {
  /** SNS, SQS and EventBridge bill each 64 KB of payload as one request or event. */
  payloadChunkBytes: 64 * 1024,
  /** Lambda bills duration per 1 ms. */
  lambdaDurationMs: 1,
  /** Express bills duration rounded up to the next 100 ms, and memory in 64 MB chunks. */
  expressDurationMs: 100,
  expressMemoryMb: 64,
  /** DynamoDB bills a write unit per KB of item (two in a transaction), a consistent read unit per 4 KB read. */
  dynamoWriteUnitBytes: 1024,
  dynamoReadUnitBytes: 4096,
  /** DynamoDB stores 100 bytes of overhead with each item. */
  dynamoItemOverheadBytes: 100,
  /**
   * An event poller unit of a Kafka event source mapping holds 10 event pollers by default and
   * 20 MB/s of polling; a mapping outside a poller group has EPUs of its own.
   */
  kafkaPollersPerEpu: 10,
  kafkaEpuMBps: 20,
} as const;

export const PRICE_SOURCES = [
  LAMBDA,
  SNS,
  SQS,
  EVENTBRIDGE,
  STEP_FUNCTIONS,
  DYNAMODB,
  DYNAMODB_STREAMS,
  CLOUDWATCH,
  KMS,
  XRAY,
  MSK,
  LAMBDA_KAFKA_PROVISIONED,
  PRIVATELINK,
];
