/**
 * Stands in for `@aws-sdk/endpoint-cache` inside Lambda bundles (LAMBDA_ESBUILD_ARGS aliases it
 * here): the DynamoDB client creates one for endpoint discovery, which is off unless it is
 * asked for, and no operation this app calls requires it. With it off, the client only looks
 * for a discovered endpoint, and there is never one. About 8 KB per bundle (the cache and its
 * LRU library). Turning discovery on fails loudly.
 */
export class EndpointCache {
  getEndpoint(): undefined {
    return undefined;
  }

  get(): never {
    throw new Error(
      'DynamoDB endpoint discovery is not bundled: leave endpointDiscoveryEnabled off (lib/stacks/app-functions.ts).',
    );
  }
}
