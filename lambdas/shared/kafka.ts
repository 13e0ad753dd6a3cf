import { fromEnv } from '@aws-sdk/credential-provider-env';
import { generateAuthTokenFromCredentialsProvider } from 'aws-msk-iam-sasl-signer-js';
import { Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import { requireEnv } from './env.js';
import { logger } from './powertools.js';

/**
 * How a function reaches the Kafka log, from the environment its construct gives it (KafkaLog's
 * `environment`):
 * - KAFKA_BOOTSTRAP_BROKERS: comma-separated host:port list;
 * - KAFKA_AUTH: `iam` (MSK Serverless: TLS and SASL/OAUTHBEARER with a token signed by the
 *   function's role, the only client authentication it offers) or `none` (a plaintext broker:
 *   only the emulator build sets it, see docs/emulator-parity.md).
 */
export type KafkaAuth = 'iam' | 'none';

export interface KafkaConnection {
  readonly brokers: string[];
  readonly auth: KafkaAuth;
}

export function kafkaConnectionFromEnv(env: NodeJS.ProcessEnv = process.env): KafkaConnection {
  const brokers = (env.KAFKA_BOOTSTRAP_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  if (brokers.length === 0)
    throw new Error(
      "Environment variable KAFKA_BOOTSTRAP_BROKERS lists no broker; the function's construct must pass it.",
    );
  const auth = env.KAFKA_AUTH ?? 'iam';
  if (auth !== 'iam' && auth !== 'none')
    throw new Error(`KAFKA_AUTH must be 'iam' or 'none', got '${auth}'.`);
  return { brokers, auth };
}

/** The kafkajs settings for a connection: IAM adds TLS and a fresh signed token per connection. */
export function kafkaConfig(connection: KafkaConnection, clientId: string): KafkaConfig {
  const base: KafkaConfig = {
    clientId,
    brokers: connection.brokers,
    connectionTimeout: 5000,
    // kafkajs logs through its own logger; only its errors matter here, as structured lines.
    logLevel: logLevel.ERROR,
    logCreator:
      () =>
      ({ namespace, log }) =>
        logger.error(`kafkajs ${namespace}: ${log.message}`, { kafka: log }),
  };
  if (connection.auth === 'none') return base;
  const region = requireEnv('AWS_REGION');
  return {
    ...base,
    ssl: true,
    sasl: {
      mechanism: 'oauthbearer',
      oauthBearerProvider: async () => {
        const { token } = await generateAuthTokenFromCredentialsProvider({
          region,
          awsCredentialsProvider: fromEnv(),
        });
        return { value: token };
      },
    },
  };
}

let kafka: Kafka | undefined;

/** One client per execution environment, configured from the environment. */
export function kafkaClient(clientId: string): Kafka {
  kafka ??= new Kafka(kafkaConfig(kafkaConnectionFromEnv(), clientId));
  return kafka;
}
