import { en } from 'zod/locales';
import * as z from 'zod/mini';

// The contracts use zod's tree-shakable `zod/mini` API (same schemas and JSON Schema as the
// classic API, about 60 KB less in every handler bundle). Unlike `zod`, it loads no locale:
// load English once here, where every contract comes from, so rejection reasons read the same
// (imported by name: `z.locales` would bring every language, 280 KB).
z.config(en());

/**
 * The longest identifier an event may carry (orderId, customerId, SKU, event ids), in UTF-8
 * bytes. Ids become DynamoDB keys once prefixed (`ORDER#<id>`: a partition key holds 2,048
 * bytes, a sort key 1,024) and parts of idempotency keys (`<orderId>:cancelled`, at most 250
 * characters): 200 leaves room for both, so an id the contract accepts is one every store takes.
 */
export const ID_MAX_BYTES = 200;

const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;

/**
 * An identifier of 1 to ID_MAX_BYTES UTF-8 bytes. The character bound puts the limit in the
 * JSON Schema too; the byte bound catches non-ASCII ids that are short in characters.
 */
export function idSchema(what: string) {
  const tooLong = `${what} must be at most ${ID_MAX_BYTES} bytes in UTF-8`;
  return z.string().check(
    z.minLength(1),
    z.maxLength(ID_MAX_BYTES, { error: tooLong, abort: true }),
    z.refine((id) => utf8Bytes(id) <= ID_MAX_BYTES, tooLong),
  );
}

/**
 * Metadata every event carries, whatever its type. It travels inside `detail` so that it
 * survives every hop (EventBridge, SNS, SQS) unchanged.
 */
export const EventMetadataSchema = z.object({
  /** Unique per publish attempt of a logical event; a re-publish of the same fact keeps it. */
  eventId: idSchema('eventId'),
  /** Schema version of `data`; a breaking change bumps it (see docs/architecture.md). */
  eventVersion: z.string().check(z.regex(/^\d+$/, 'eventVersion must be a whole number as a string')),
  /** Shared by every event of one business flow (e.g. one order). */
  correlationId: idSchema('correlationId'),
  /** The eventId of the event that caused this one (equal to eventId for the first). */
  causationId: idSchema('causationId'),
  occurredAt: z.iso.datetime({ offset: true }),
  /** What consumers de-duplicate on: the business fact, not the delivery. */
  idempotencyKey: z.string().check(z.minLength(1), z.maxLength(250)),
});
export type EventMetadata = z.infer<typeof EventMetadataSchema>;

/**
 * The wire shape of an event: an EventBridge event whose `detail` is `{ metadata, data }`.
 * SNS and SQS bodies carry the same shape, so a consumer parses one format whether the event
 * came from the bus, a topic or a queue.
 */
export function busEventSchema<TSource extends string, TType extends string, TData extends z.ZodMiniType>(
  source: TSource,
  detailType: TType,
  version: string,
  data: TData,
) {
  return z.looseObject({
    id: z.optional(z.string()),
    time: z.optional(z.string()),
    source: z.literal(source),
    'detail-type': z.literal(detailType),
    detail: z.object({
      // A consumer knows the versions it was built for: any other one is dead-lettered with
      // this reason, never half-understood.
      metadata: z.extend(EventMetadataSchema, {
        eventVersion: z.literal(version, {
          error: `unknown eventVersion; this consumer reads version ${version}`,
        }),
      }),
      data,
    }),
  });
}

/** Money as a decimal amount in major units; two decimals at most. */
export const AmountSchema = z.number().check(
  z.nonnegative(),
  // Judge the decimal text JSON carries, not float arithmetic (which misjudges large amounts).
  z.refine((n) => /^-?\d+(\.\d{1,2})?$/.test(String(n)), {
    message: 'amount must have at most two decimals',
  }),
);

export const CurrencySchema = z.string().check(z.regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code'));
