import {
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
  IdempotencyRecordStatus,
} from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';

/**
 * An idempotency store in a Map, with the semantics of Powertools' DynamoDBPersistenceLayer:
 * - `_putRecord` succeeds when no record exists for the key, when the stored one has expired,
 *   or when the stored one is IN_PROGRESS past its in-progress expiry; otherwise it throws
 *   IdempotencyItemAlreadyExistsError carrying the existing record (ReturnValuesOnConditionCheckFailure).
 * - `_getRecord` throws IdempotencyItemNotFoundError when there is none (consistent read).
 * - `_updateRecord` is an upsert of expiry, status and response data.
 * - `_deleteRecord` removes the record.
 */
export class InMemoryPersistenceLayer extends BasePersistenceLayer {
  readonly #records = new Map<string, IdempotencyRecord>();

  /** The stored records, keyed by hashed idempotency key (for assertions). */
  get records(): ReadonlyMap<string, IdempotencyRecord> {
    return this.#records;
  }

  protected async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    const record = this.#records.get(idempotencyKey);
    if (!record) throw new IdempotencyItemNotFoundError();
    return copy(record);
  }

  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    const existing = this.#records.get(record.idempotencyKey);
    if (existing && !replaceable(existing)) {
      throw new IdempotencyItemAlreadyExistsError(
        `Failed to put record for already existing idempotency key: ${record.idempotencyKey}`,
        copy(existing),
      );
    }
    this.#records.set(record.idempotencyKey, copy(record));
  }

  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    const existing = this.#records.get(record.idempotencyKey);
    this.#records.set(
      record.idempotencyKey,
      new IdempotencyRecord({
        idempotencyKey: record.idempotencyKey,
        status: record.getStatus(),
        expiryTimestamp: record.expiryTimestamp,
        inProgressExpiryTimestamp: existing?.inProgressExpiryTimestamp,
        responseData: record.responseData ?? existing?.responseData,
        payloadHash: this.isPayloadValidationEnabled() ? record.payloadHash : existing?.payloadHash,
      }),
    );
  }

  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    this.#records.delete(record.idempotencyKey);
  }
}

/** DynamoDBPersistenceLayer's put condition, from the stored record's point of view. */
function replaceable(existing: IdempotencyRecord): boolean {
  const now = Date.now();
  if (existing.expiryTimestamp !== undefined && existing.expiryTimestamp < now / 1000) return true;
  return (
    existing.getStatus() === IdempotencyRecordStatus.INPROGRESS &&
    existing.inProgressExpiryTimestamp !== undefined &&
    existing.inProgressExpiryTimestamp < now
  );
}

/** Stored records are values, as in a table: nobody keeps a live reference to one. */
function copy(record: IdempotencyRecord): IdempotencyRecord {
  return new IdempotencyRecord({
    idempotencyKey: record.idempotencyKey,
    status: record.getStatus(),
    expiryTimestamp: record.expiryTimestamp,
    inProgressExpiryTimestamp: record.inProgressExpiryTimestamp,
    responseData: structuredClone(record.responseData),
    payloadHash: record.payloadHash,
  });
}
