import type { MSKEvent, Record as MskRecord, RecordHeader } from '@aws-lambda-powertools/kafka/types';
import type { IHeaders, KafkaMessage } from 'kafkajs';

/**
 * The event Lambda's Amazon MSK event source gives a function, built from records a local
 * consumer fetched: records grouped by `<topic>-<partition>`, key and value base64, each header
 * as its bytes, offsets and timestamps as numbers. The emulator has no MSK data plane, so the
 * local bridge feeds the deployed consumers with this; it must be exactly what AWS sends, which
 * the unit tests check by parsing it with Powertools' Kafka consumer.
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-msk.html, the example event)
 */

/**
 * An MSK event without schema metadata: Powertools' type requires it, but the event source adds
 * it only for a schema registry, and the example event in the Lambda docs has none.
 */
export type PlainMskEvent = Omit<MSKEvent, 'records'> & {
  records: Record<string, Omit<MskRecord, 'valueSchemaMetadata' | 'keySchemaMetadata'>[]>;
};

export interface FetchedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly KafkaMessage[];
}

const base64 = (value: Buffer | string | null | undefined) =>
  value === null || value === undefined ? null : Buffer.from(value).toString('base64');

/** kafkajs headers (a value may be a list: one entry per value) as MSK sends them. */
function headersOf(headers: IHeaders | undefined): RecordHeader[] {
  const out: RecordHeader[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    for (const v of Array.isArray(value) ? value : [value])
      if (v !== undefined) out.push({ [name]: [...Buffer.from(v)] });
  }
  return out;
}

export function mskEvent(options: {
  readonly eventSourceArn: string;
  readonly bootstrapServers: readonly string[];
  readonly batches: readonly FetchedBatch[];
}): PlainMskEvent {
  const records: PlainMskEvent['records'] = {};
  for (const batch of options.batches) {
    const key = `${batch.topic}-${batch.partition}`;
    records[key] = [
      ...(records[key] ?? []),
      ...batch.messages.map((m) => ({
        topic: batch.topic,
        partition: batch.partition,
        offset: Number(m.offset),
        timestamp: Number(m.timestamp),
        // kafkajs does not expose the timestamp type; producers here stamp create time.
        timestampType: 'CREATE_TIME' as const,
        key: base64(m.key),
        value: base64(m.value),
        headers: headersOf(m.headers),
      })),
    ];
  }
  return {
    eventSource: 'aws:kafka',
    eventSourceArn: options.eventSourceArn,
    bootstrapServers: options.bootstrapServers.join(','),
    records,
  };
}
