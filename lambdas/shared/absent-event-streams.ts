/**
 * Stands in for `@smithy/core/event-streams` inside Lambda bundles (LAMBDA_ESBUILD_ARGS aliases
 * it here): the SDK's protocol code imports it on demand for operations that stream events
 * (Kinesis SubscribeToShard, Bedrock and the like), and a single-file bundle inlines that
 * import. No client of this app has such an operation. About 15 KB per bundle.
 */
const absent = (): never => {
  throw new Error(
    'SDK event streams are not bundled: no client of this app streams events (lib/stacks/app-functions.ts).',
  );
};

export class EventStreamSerde {
  constructor() {
    absent();
  }
}

export const eventStreamSerdeProvider = absent;
