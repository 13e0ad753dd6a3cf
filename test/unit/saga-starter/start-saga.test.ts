import { beforeEach, describe, expect, it } from 'vitest';
import { ID_MAX_BYTES } from '../../../contracts/events/envelope.js';
import {
  executionArn,
  executionName,
  type SagaStarter,
  startSaga,
} from '../../../lambdas/saga-starter/start-saga.js';
import { PoisonMessageError } from '../../../lambdas/shared/errors.js';
import { InMemoryPaymentTokenVault } from '../fulfilment/in-memory-fulfilment-store.js';
import { orderPlaced } from '../support/orders.js';

/** A starter that remembers each start and answers as told; `owner` is the existing run's orderId. */
class RecordingStarter implements SagaStarter {
  readonly calls: { name: string; input: unknown }[] = [];
  constructor(
    private readonly answer: 'started' | 'already-started' = 'started',
    private readonly owner?: string,
  ) {}
  async start(name: string, input: unknown): Promise<'started' | 'already-started'> {
    this.calls.push({ name, input });
    return this.answer;
  }
  async orderIdOf(): Promise<string | undefined> {
    return this.owner;
  }
}

class FailingStarter implements SagaStarter {
  async start(): Promise<'started' | 'already-started'> {
    throw new Error('StartExecution throttled');
  }
  async orderIdOf(): Promise<string | undefined> {
    return undefined;
  }
}

/** `<readable prefix>-<32 hex>`: the name of an id that had to be changed or cut. */
const HASHED = /^(?<prefix>.+)-[0-9a-f]{32}$/u;

// Step Functions' StartExecution `name`: 1-80 characters, none of: whitespace, < > { } [ ],
// ? *, " # % \ ^ | ~ ` $ & , ; : /, control characters (U+0000-001F, U+007F-009F), surrogates.
const FORBIDDEN = [' ', '\t', '\n', '<', '>', '{', '}', '[', ']', '?', '*', '"', '#', '%', '\\', '^', '|'];
const FORBIDDEN_TOO = ['~', '`', '$', '&', ',', ';', ':', '/'];
const CONTROL = [0x00, 0x07, 0x1b, 0x1f, 0x7f, 0x85, 0x9f].map((code) => ({
  label: `U+${code.toString(16).toUpperCase().padStart(4, '0')}`,
  character: String.fromCharCode(code),
}));

/** Every rule Step Functions puts on an execution name, checked character by character. */
function isValidExecutionName(name: string): boolean {
  const forbidden = new Set([...FORBIDDEN, ...FORBIDDEN_TOO]);
  const characters = [...name];
  return (
    characters.length >= 1 &&
    characters.length <= 80 &&
    characters.every((c) => {
      const code = c.codePointAt(0) ?? 0;
      const control = code <= 0x1f || (code >= 0x7f && code <= 0x9f);
      const surrogate = code >= 0xd800 && code <= 0xdfff;
      return !forbidden.has(c) && !/\s/.test(c) && !control && !surrogate;
    })
  );
}

describe('executionName', () => {
  it.each(['ord-7c1e9a42', 'ORD_2026-08-14_000123', 'a', '3e9a7c51-0d2b-4f6e-8a4c-b1d3f5e7a902'])(
    'keeps the valid order id %s as it is',
    (orderId) => {
      expect(executionName(orderId)).toBe(orderId);
    },
  );

  it.each([...FORBIDDEN, ...FORBIDDEN_TOO])(
    'replaces %j in the readable prefix and adds a hash',
    (character) => {
      const name = executionName(`ord${character}1`);

      expect(HASHED.exec(name)?.groups?.prefix).toBe('ord_1');
      expect(isValidExecutionName(name)).toBe(true);
    },
  );

  it('replaces every forbidden character of the prefix, not only the first', () => {
    expect(HASHED.exec(executionName('tenant/eu:ord #1'))?.groups?.prefix).toBe('tenant_eu_ord__1');
  });

  it('keeps an id of exactly 80 characters whole', () => {
    const orderId = 'o'.repeat(80);

    expect(executionName(orderId)).toBe(orderId);
  });

  it('cuts a longer id to an 80-character name: a readable prefix and a hash', () => {
    const orderId = `${'a'.repeat(40)}${'b'.repeat(40)}${'c'.repeat(20)}`;
    const name = executionName(orderId);

    expect([...name]).toHaveLength(80);
    expect(name.startsWith('a'.repeat(40))).toBe(true);
    expect(name).toMatch(HASHED);
  });

  it('gives a valid name for an id of forbidden characters only', () => {
    expect(isValidExecutionName(executionName('/'.repeat(100)))).toBe(true);
  });

  it('gives a valid name for the longest id the contract accepts', () => {
    expect(isValidExecutionName(executionName('\u{1F4E6}'.repeat(ID_MAX_BYTES / 4)))).toBe(true);
  });

  it('always gives the same name for the same id', () => {
    expect(executionName('tenant/eu:ord 1')).toBe(executionName('tenant/eu:ord 1'));
  });

  // Each pair became one name before: the second order was taken for a duplicate and dropped.
  it.each([
    ['a space and an underscore', 'A-coll x', 'A-coll_x'],
    ['two forbidden characters', 'A-coll/x', 'A-coll:x'],
    [
      '120-character ids sharing their first 80',
      `${'k'.repeat(80)}${'1'.repeat(40)}`,
      `${'k'.repeat(80)}${'2'.repeat(40)}`,
    ],
    ['an id and the hashed name of another', 'A-coll x', executionName('A-coll x')],
    ['an 80-character id and its 81-character extension', 'z'.repeat(80), 'z'.repeat(81)],
  ])('gives different names to ids that differ by %s', (_, first, second) => {
    expect(first).not.toBe(second);
    expect(executionName(first)).not.toBe(executionName(second));
  });

  // One-to-one over a family of near-identical ids: every variation of one character.
  it('gives 1,000 ids that differ in one character 1,000 different names', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `order ${String.fromCharCode(0x20 + (i % 95))}${i}`);

    expect(new Set(ids.map(executionName)).size).toBe(1000);
  });

  // Step Functions forbids control characters too (U+0000-001F, U+007F-009F): an invalid name
  // would fail StartExecution on every retry and dead-letter the OrderPlaced.
  it.each(CONTROL)(
    'replaces the control character $label, which Step Functions forbids too',
    ({ character }) => {
      expect(isValidExecutionName(executionName(`ord${character}1`))).toBe(true);
    },
  );

  // Truncation counts code points: a lone surrogate (U+D800-DFFF) is forbidden in names.
  it('never ends a truncated name with half a character', () => {
    const name = executionName(`${'a'.repeat(79)}\u{1F4E6}-box`);

    expect(isValidExecutionName(name)).toBe(true);
  });
});

describe('startSaga', () => {
  let vault: InMemoryPaymentTokenVault;
  beforeEach(() => {
    vault = new InMemoryPaymentTokenVault();
  });

  it('starts the saga with the order and the OrderPlaced metadata as input', async () => {
    const starter = new RecordingStarter();
    const event = orderPlaced();

    await startSaga(event, starter, vault);

    expect(starter.calls.map((c) => c.input)).toEqual([
      { order: event.detail.data, metadata: event.detail.metadata },
    ]);
  });

  // The input stays in the execution history for 90 days: no payment token may be in it.
  it('puts the payment token in the vault and only its reference in the saga input', async () => {
    const starter = new RecordingStarter();
    const event = orderPlaced({ orderId: 'ord-paid', paymentToken: 'tok_secret_4242' });

    await startSaga(event, starter, vault);

    const input = starter.calls[0]?.input as { order: Record<string, unknown> };
    expect(JSON.stringify(input)).not.toContain('tok_secret_4242');
    expect(input.order).not.toHaveProperty('paymentToken');
    expect(await vault.redeem(String(input.order.paymentTokenRef))).toBe('tok_secret_4242');
  });

  it('gives the same reference on a retried start, so the vault holds one token per order', async () => {
    const starter = new RecordingStarter();
    const event = orderPlaced({ orderId: 'ord-retried', paymentToken: 'tok_1' });

    await startSaga(event, starter, vault);
    await startSaga(event, starter, vault);

    const refs = starter.calls.map(
      (c) => (c.input as { order: { paymentTokenRef?: string } }).order.paymentTokenRef,
    );
    expect(refs[0]).toBeDefined();
    expect(refs[1]).toBe(refs[0]);
  });

  it('names the execution after the order id', async () => {
    const starter = new RecordingStarter();

    await startSaga(orderPlaced({ orderId: 'ord-7c1e9a42' }), starter, vault);

    expect(starter.calls.map((c) => c.name)).toEqual(['ord-7c1e9a42']);
  });

  it('names the execution by executionName of the order id', async () => {
    const starter = new RecordingStarter();

    await startSaga(orderPlaced({ orderId: 'tenant/eu:ord 1' }), starter, vault);

    expect(starter.calls.map((c) => c.name)).toEqual([executionName('tenant/eu:ord 1')]);
  });

  it('reports the order, the execution name and that it started', async () => {
    const result = await startSaga(orderPlaced({ orderId: 'ord/1' }), new RecordingStarter('started'), vault);

    expect(result).toEqual({ orderId: 'ord/1', execution: executionName('ord/1'), result: 'started' });
  });

  it('reports already-started when the existing execution is this order’s', async () => {
    const event = orderPlaced({ orderId: 'ord-dup' });

    const result = await startSaga(event, new RecordingStarter('already-started', 'ord-dup'), vault);

    expect(result.result).toBe('already-started');
  });

  it('refuses, as a poison record, an existing execution of that name that belongs to another order', async () => {
    const event = orderPlaced({ orderId: 'A-coll x' });

    const started = startSaga(event, new RecordingStarter('already-started', 'A-coll_x'), vault);

    await expect(started).rejects.toBeInstanceOf(PoisonMessageError);
    await expect(started).rejects.toThrow(/already exists for order "A-coll_x", not for order "A-coll x"/);
  });

  it('refuses an existing execution whose input names no order', async () => {
    const started = startSaga(orderPlaced(), new RecordingStarter('already-started', undefined), vault);

    await expect(started).rejects.toThrow(/already exists for order null/);
  });

  it('lets a failure to start propagate, so the intake record is retried', async () => {
    await expect(startSaga(orderPlaced(), new FailingStarter(), vault)).rejects.toThrow(/throttled/);
  });
});

describe('executionArn', () => {
  it('names the execution of a state machine', () => {
    expect(executionArn('arn:aws:states:us-east-1:123456789012:stateMachine:Saga', 'ord-1')).toBe(
      'arn:aws:states:us-east-1:123456789012:execution:Saga:ord-1',
    );
  });
});
