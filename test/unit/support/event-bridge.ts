import type {
  EventBridgeClient,
  PutEventsCommand,
  PutEventsCommandOutput,
  PutEventsRequestEntry,
  PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';

/**
 * What the fake bus answers to one PutEvents call: the result entries (in request order, possibly
 * fewer than were sent), or an error to throw as the SDK would on a network failure.
 */
export type PutEventsResponder = (
  entries: readonly PutEventsRequestEntry[],
  call: number,
) => PutEventsResultEntry[] | Error;

/** The EventId the fake bus gives an accepted entry: derived from the entry, so tests can map it back. */
export function busEventId(entry: PutEventsRequestEntry): string {
  return `bus-${metadataOf(entry).eventId}`;
}

/** Accepts every entry. */
export const acceptAll: PutEventsResponder = (entries) => entries.map((entry) => accepted(entry));

export function accepted(entry: PutEventsRequestEntry): PutEventsResultEntry {
  return { EventId: busEventId(entry) };
}

export function rejected(errorCode: string, errorMessage = `${errorCode} (fake)`): PutEventsResultEntry {
  return { ErrorCode: errorCode, ErrorMessage: errorMessage };
}

/**
 * An EventBridge client with only `send`: records the entries of every PutEvents call and answers
 * through the responder. No network.
 */
export class FakeEventBridge {
  /** The Entries of every PutEvents call, in call order. */
  readonly calls: PutEventsRequestEntry[][] = [];

  constructor(private readonly respond: PutEventsResponder = acceptAll) {}

  async send(command: PutEventsCommand): Promise<PutEventsCommandOutput> {
    const entries = [...(command.input.Entries ?? [])];
    this.calls.push(entries);
    const result = this.respond(entries, this.calls.length);
    if (result instanceof Error) throw result;
    return {
      $metadata: { httpStatusCode: 200 },
      FailedEntryCount: result.filter((r) => r.ErrorCode !== undefined).length,
      Entries: result,
    };
  }

  /** What the publisher's constructor takes. */
  asClient(): Pick<EventBridgeClient, 'send'> {
    return this as unknown as Pick<EventBridgeClient, 'send'>;
  }

  /** Every entry sent, over all calls. */
  get sent(): PutEventsRequestEntry[] {
    return this.calls.flat();
  }
}

/** The `detail` of an entry, parsed. */
export function detailOf(entry: PutEventsRequestEntry | undefined): {
  metadata: Record<string, unknown> & { eventId: string; idempotencyKey: string };
  data: Record<string, unknown>;
} {
  if (!entry?.Detail) throw new Error('the entry has no Detail');
  return JSON.parse(entry.Detail);
}

export function metadataOf(entry: PutEventsRequestEntry | undefined) {
  return detailOf(entry).metadata;
}

/** The idempotency keys of entries, to name them in assertions. */
export function keysOf(entries: readonly PutEventsRequestEntry[]): string[] {
  return entries.map((entry) => metadataOf(entry).idempotencyKey);
}
