import { describe, expect, it } from 'vitest';
import { executionName, type SagaStarter, startSaga } from '../../../lambdas/saga-starter/start-saga.js';
import { orderPlaced } from '../support/orders.js';

/** A starter that remembers each start and answers as told. */
class RecordingStarter implements SagaStarter {
  readonly calls: { name: string; input: unknown }[] = [];
  constructor(private readonly answer: 'started' | 'already-started' = 'started') {}
  async start(name: string, input: unknown): Promise<'started' | 'already-started'> {
    this.calls.push({ name, input });
    return this.answer;
  }
}

class FailingStarter implements SagaStarter {
  async start(): Promise<'started' | 'already-started'> {
    throw new Error('StartExecution throttled');
  }
}

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

  it.each([...FORBIDDEN, ...FORBIDDEN_TOO])('replaces %j with an underscore', (character) => {
    expect(executionName(`ord${character}1`)).toBe('ord_1');
  });

  it('replaces every forbidden character, not only the first', () => {
    expect(executionName('tenant/eu:ord #1')).toBe('tenant_eu_ord__1');
  });

  it('keeps an id of exactly 80 characters whole', () => {
    const orderId = 'o'.repeat(80);

    expect(executionName(orderId)).toBe(orderId);
  });

  it('truncates a longer id to its first 80 characters', () => {
    const orderId = `${'a'.repeat(40)}${'b'.repeat(40)}${'c'.repeat(20)}`;

    expect(executionName(orderId)).toBe(`${'a'.repeat(40)}${'b'.repeat(40)}`);
  });

  it('replaces forbidden characters before truncating, so the name is still valid', () => {
    const name = executionName(`${'/'.repeat(100)}`);

    expect(name).toBe('_'.repeat(80));
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
  it('starts the saga with the order and the OrderPlaced metadata as input', async () => {
    const starter = new RecordingStarter();
    const event = orderPlaced();

    await startSaga(event, starter);

    expect(starter.calls.map((c) => c.input)).toEqual([
      { order: event.detail.data, metadata: event.detail.metadata },
    ]);
  });

  it('names the execution after the order id', async () => {
    const starter = new RecordingStarter();

    await startSaga(orderPlaced({ orderId: 'ord-7c1e9a42' }), starter);

    expect(starter.calls.map((c) => c.name)).toEqual(['ord-7c1e9a42']);
  });

  it('names the execution with the forbidden characters of the order id replaced', async () => {
    const starter = new RecordingStarter();

    await startSaga(orderPlaced({ orderId: 'tenant/eu:ord 1' }), starter);

    expect(starter.calls.map((c) => c.name)).toEqual(['tenant_eu_ord_1']);
  });

  it('reports the order, the execution name and that it started', async () => {
    const result = await startSaga(orderPlaced({ orderId: 'ord/1' }), new RecordingStarter('started'));

    expect(result).toEqual({ orderId: 'ord/1', execution: 'ord_1', result: 'started' });
  });

  it('reports already-started when the port says the execution exists', async () => {
    const result = await startSaga(orderPlaced(), new RecordingStarter('already-started'));

    expect(result.result).toBe('already-started');
  });

  it('lets a failure to start propagate, so the intake record is retried', async () => {
    await expect(startSaga(orderPlaced(), new FailingStarter())).rejects.toThrow(/throttled/);
  });
});
