/**
 * A record that can never succeed however often it is retried (not JSON, fails its schema,
 * unknown type). It goes to the dead-letter queue at once, with this reason.
 */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
  constructor(readonly reason: string) {
    super(`Record can never succeed: ${reason}`);
  }
}

/** A technical fault worth retrying (a dependency timed out or refused); never a business outcome. */
export class TransientError extends Error {
  override readonly name = 'TransientError';
}
