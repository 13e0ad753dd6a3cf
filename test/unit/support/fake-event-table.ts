import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';

type Item = Record<string, unknown>;

/**
 * A DynamoDB table keyed by (aggregateId, version) in a Map, answering the two calls the event
 * store makes with DynamoDB's semantics: Query by partition key and `version > :after`, in
 * either order, with Limit; and TransactWriteItems whose Puts (attribute_not_exists) and
 * ConditionChecks (attribute_exists) all hold, or which is cancelled whole with one reason
 * per item. Each call yields first, so concurrent writers interleave as they would over a network.
 */
export class FakeEventTable {
  readonly items = new Map<string, Item>();
  transactions = 0;

  readonly send = async (command: unknown): Promise<unknown> => {
    await new Promise((resolve) => setImmediate(resolve));
    if (command instanceof QueryCommand) return this.#query(command.input as never);
    if (command instanceof TransactWriteCommand) return this.#transact(command.input as never);
    throw new Error(`unexpected command ${(command as object).constructor.name}`);
  };

  #key = (aggregateId: unknown, version: unknown) => `${String(aggregateId)}|${String(version)}`;

  #query(input: {
    ExpressionAttributeValues: Record<string, unknown>;
    ScanIndexForward?: boolean;
    Limit?: number;
  }) {
    const id = input.ExpressionAttributeValues[':id'];
    const after = Number(input.ExpressionAttributeValues[':after']);
    const matching = [...this.items.values()]
      .filter((i) => i.aggregateId === id && Number(i.version) > after)
      .sort((a, b) => Number(a.version) - Number(b.version));
    if (input.ScanIndexForward === false) matching.reverse();
    return { Items: structuredClone(matching.slice(0, input.Limit ?? matching.length)) };
  }

  #transact(input: {
    TransactItems: Array<{
      Put?: { Item: Item; ConditionExpression?: string };
      ConditionCheck?: { Key: Item; ConditionExpression: string };
    }>;
  }) {
    const reasons = input.TransactItems.map((t) => {
      if (t.Put) {
        const exists = this.items.has(this.#key(t.Put.Item.aggregateId, t.Put.Item.version));
        return t.Put.ConditionExpression === 'attribute_not_exists(version)' && exists
          ? 'ConditionalCheckFailed'
          : 'None';
      }
      const key = t.ConditionCheck?.Key ?? {};
      return this.items.has(this.#key(key.aggregateId, key.version)) ? 'None' : 'ConditionalCheckFailed';
    });
    if (reasons.some((r) => r !== 'None'))
      throw new TransactionCanceledException({
        message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.join(', ')}]`,
        $metadata: { httpStatusCode: 400 },
        CancellationReasons: reasons.map((Code) => ({ Code })),
      });
    for (const t of input.TransactItems)
      if (t.Put)
        this.items.set(this.#key(t.Put.Item.aggregateId, t.Put.Item.version), structuredClone(t.Put.Item));
    this.transactions += 1;
    return {};
  }
}
