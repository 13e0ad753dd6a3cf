import type { Consumer, Kafka } from 'kafkajs';
import { deliverBatch, type PollerPorts, type PollerSettings } from './msk-poller.js';

/**
 * The local event source's loop: a kafkajs consumer in the mapping's consumer group hands each
 * partition's fetched records, at most `batchSize` at a time, to `deliverBatch`, which invokes
 * the function and commits. Nothing is committed automatically: an offset moves only after the
 * function succeeded or the record went to the on-failure destination, so a bridge stopped at
 * any moment resumes where the group's commits say.
 */
/** How long a fetch without a batching window waits on an idle partition. */
const IDLE_FETCH_MS = 500;

/** About the size of one order-log record on the wire, to turn a batch size into fetch bytes. */
const APPROX_RECORD_BYTES = 500;

export interface BridgeOptions {
  readonly topic: string;
  readonly groupId: string;
  /** TRIM_HORIZON reads a new group's log from the start; LATEST only what comes after. */
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  readonly batchSize: number;
  /** How long a fetch waits for records: the mapping's batching window. */
  readonly windowMs: number;
  readonly settings: PollerSettings;
  readonly ports: Omit<PollerPorts, 'commit'>;
  /** Told after each delivered batch (for progress lines and tests). */
  readonly onBatch?: (partition: number, committed: number, failed: readonly number[]) => void;
}

export interface RunningBridge {
  readonly consumer: Consumer;
  stop(): Promise<void>;
}

export async function startBridge(kafka: Kafka, options: BridgeOptions): Promise<RunningBridge> {
  const consumer = kafka.consumer({
    groupId: options.groupId,
    // The batching window: the broker holds a fetch until about a full batch of bytes is there
    // or the window has passed (records here are a few hundred bytes each). Without a window a
    // fetch returns as soon as one record is there; an idle partition is asked again every
    // IDLE_FETCH_MS, not in a busy loop that would take the machine's cores from the functions.
    maxWaitTimeInMs: options.windowMs > 0 ? options.windowMs : IDLE_FETCH_MS,
    minBytes: options.windowMs > 0 ? options.batchSize * APPROX_RECORD_BYTES : 1,
    // A batch with its retries can outlast a short session; heartbeats go out between invocations.
    sessionTimeout: 30_000,
    heartbeatInterval: 1000,
    // Rejoin after a lost membership (a rebalance mid-batch) rather than stop consuming: the
    // uncommitted batch is delivered again, as the AWS event source would.
    retry: { restartOnFailure: async () => true },
  });
  await consumer.connect();
  await consumer.subscribe({
    topic: options.topic,
    fromBeginning: options.startingPosition === 'TRIM_HORIZON',
  });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      for (let i = 0; i < batch.messages.length; i += options.batchSize) {
        if (!isRunning() || isStale()) return;
        const messages = batch.messages.slice(i, i + options.batchSize);
        const outcome = await deliverBatch(
          { topic: batch.topic, partition: batch.partition, messages },
          options.settings,
          {
            ...options.ports,
            invoke: async (event) => {
              await heartbeat();
              return options.ports.invoke(event);
            },
            commit: (topic, partition, offset) =>
              consumer.commitOffsets([{ topic, partition, offset: String(offset) }]),
          },
        );
        const last = messages.at(-1);
        if (last) resolveOffset(last.offset);
        options.onBatch?.(batch.partition, outcome.committed, outcome.failed);
        await heartbeat();
      }
    },
  });
  return { consumer, stop: () => consumer.disconnect() };
}
