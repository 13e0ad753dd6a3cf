import { randomUUID } from 'node:crypto';
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import type * as z from 'zod/mini';
import type { EventContract } from '../../contracts/events/catalog.js';
import type { EventMetadata } from '../../contracts/events/envelope.js';
import { describeIssues } from './zod-issues.js';

/** PutEvents takes at most 10 entries per call. */
export const PUT_EVENTS_BATCH = 10;
/** EventBridge rejects an entry over 256 KB (source, detail-type, detail and resources together). */
export const MAX_ENTRY_BYTES = 256 * 1024;

/** What caused the event being published: passes correlation and causation on. */
export interface Cause {
  readonly eventId: string;
  readonly correlationId: string;
}

export interface PublishRequest<TData extends z.ZodMiniType> {
  readonly contract: EventContract<TData>;
  readonly data: z.input<TData>;
  /** The business fact's key, e.g. `${orderId}:placed`. */
  readonly idempotencyKey: string;
  /** The incoming event this one follows from; a new flow starts a new correlation id. */
  readonly cause?: Cause;
}

export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

export class PublishError extends Error {
  override readonly name = 'PublishError';
  constructor(
    message: string,
    readonly failed: ReadonlyArray<{
      entry: PutEventsRequestEntry;
      errorCode?: string;
      errorMessage?: string;
    }>,
  ) {
    super(message);
  }
}

export interface PublisherOptions {
  readonly busName: string;
  /** Attempts per entry, the first included. @default 4 */
  readonly maxAttempts?: number;
  /** First backoff; doubles each retry, with full jitter. @default 100 ms */
  readonly baseDelayMs?: number;
  /** Ceiling of one backoff. @default 2000 ms */
  readonly maxDelayMs?: number;
  /** For tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => Date;
}

export interface PublishedEvent {
  readonly eventId: string;
  readonly detailType: string;
  readonly entryId?: string;
}

type Sender = Pick<EventBridgeClient, 'send'>;

/**
 * A typed publisher: builds the envelope (ids, correlation and causation from the cause),
 * validates every event against its contract before anything is sent, sends in batches of
 * ten, and retries only the entries PutEvents reports as failed, with exponential backoff and
 * full jitter.
 */
export class EventPublisher {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => Date;

  constructor(
    private readonly client: Sender,
    private readonly options: PublisherOptions,
  ) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.maxDelayMs = options.maxDelayMs ?? 2000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? (() => new Date());
  }

  /** Build and validate the PutEvents entry for one event; throws InvalidEventError. */
  entry<TData extends z.ZodMiniType>(
    request: PublishRequest<TData>,
  ): { entry: PutEventsRequestEntry; eventId: string } {
    const eventId = randomUUID();
    const metadata: EventMetadata = {
      eventId,
      eventVersion: request.contract.version,
      correlationId: request.cause?.correlationId ?? eventId,
      causationId: request.cause?.eventId ?? eventId,
      occurredAt: this.now().toISOString(),
      idempotencyKey: request.idempotencyKey,
    };
    const event = {
      source: request.contract.source,
      'detail-type': request.contract.detailType,
      detail: { metadata, data: request.data },
    };
    const parsed = request.contract.event.safeParse(event);
    if (!parsed.success) {
      throw new InvalidEventError(
        `${request.contract.detailType} v${request.contract.version} is invalid: ${describeIssues(parsed.error)}`,
      );
    }
    const entry: PutEventsRequestEntry = {
      EventBusName: this.options.busName,
      Source: request.contract.source,
      DetailType: request.contract.detailType,
      // The parsed event, not the request: only what the contract declares leaves the service.
      Detail: JSON.stringify((parsed.data as { detail: unknown }).detail),
    };
    const size = Buffer.byteLength(`${entry.Source}${entry.DetailType}${entry.Detail}`, 'utf8');
    if (size > MAX_ENTRY_BYTES) {
      throw new InvalidEventError(
        `${request.contract.detailType} is ${size} bytes; EventBridge accepts at most ${MAX_ENTRY_BYTES} per event. ` +
          'Put the payload in S3 and publish a reference to it (claim check).',
      );
    }
    return { entry, eventId };
  }

  /** Publish events; resolves when every one was accepted, else throws PublishError naming the rest. */
  async publish(requests: ReadonlyArray<PublishRequest<z.ZodMiniType>>): Promise<PublishedEvent[]> {
    // Validate everything first: an invalid event must not leave half a batch published.
    const built = requests.map((r) => this.entry(r));
    const published: PublishedEvent[] = [];
    for (let i = 0; i < built.length; i += PUT_EVENTS_BATCH) {
      const batch = built.slice(i, i + PUT_EVENTS_BATCH);
      const ids = await this.sendWithRetries(batch.map((b) => b.entry));
      batch.forEach((b, j) => {
        published.push({ eventId: b.eventId, detailType: b.entry.DetailType ?? '', entryId: ids[j] });
      });
    }
    return published;
  }

  private async sendWithRetries(entries: PutEventsRequestEntry[]): Promise<Array<string | undefined>> {
    const ids: Array<string | undefined> = new Array(entries.length);
    let pending = entries.map((entry, index) => ({ entry, index }));
    let lastErrors: PutEventsResultEntry[] = [];
    for (let attempt = 1; attempt <= this.maxAttempts && pending.length > 0; attempt++) {
      if (attempt > 1) await this.sleep(this.backoff(attempt - 1));
      const result = await this.client.send(new PutEventsCommand({ Entries: pending.map((p) => p.entry) }));
      const results = result.Entries ?? [];
      const stillFailing: typeof pending = [];
      lastErrors = [];
      pending.forEach((p, j) => {
        const r = results[j];
        if (r?.EventId && !r.ErrorCode) ids[p.index] = r.EventId;
        else {
          stillFailing.push(p);
          lastErrors.push(
            r ?? { ErrorCode: 'MissingResult', ErrorMessage: 'PutEvents returned no result for this entry' },
          );
        }
      });
      pending = stillFailing;
    }
    if (pending.length > 0) {
      const failed = pending.map((p, j) => ({
        entry: p.entry,
        errorCode: lastErrors[j]?.ErrorCode,
        errorMessage: lastErrors[j]?.ErrorMessage,
      }));
      throw new PublishError(
        `${failed.length} of ${entries.length} events were not accepted after ${this.maxAttempts} attempts: ` +
          `${failed[0]?.errorCode ?? 'unknown'} ${failed[0]?.errorMessage ?? ''}`.trim(),
        failed,
      );
    }
    return ids;
  }

  /** Exponential backoff with full jitter: uniform in [0, min(max, base * 2^(n-1))]. */
  private backoff(retry: number): number {
    const cap = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (retry - 1));
    return Math.floor(this.random() * cap);
  }
}
