/**
 * Stands in for `avro-js` and `protobufjs` inside Lambda bundles (LAMBDA_ESBUILD_ARGS aliases
 * them here): @aws-lambda-powertools/kafka imports both, but loads them only for Avro or
 * Protobuf records, and the order log's records are JSON. Using either fails loudly.
 */
const absent = (what: string) => () => {
  throw new Error(
    `${what} is not bundled: the order log's records are JSON (see lib/stacks/app-functions.ts).`,
  );
};

export class BufferReader {
  constructor() {
    absent('protobufjs')();
  }
}

export default { parse: absent('avro-js') };
