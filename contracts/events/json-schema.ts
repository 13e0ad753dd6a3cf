import * as z from 'zod/mini';
import type { EventContract } from './catalog.js';

/** File name of a contract's JSON Schema under schemas/. */
export function schemaFileName(contract: EventContract): string {
  return `${contract.detailType}.v${contract.version}.json`;
}

/**
 * The JSON Schema (draft-04, what the EventBridge schema registry accepts) of a whole event,
 * generated from its zod schema. Deterministic, so a committed copy can be checked for staleness.
 */
export function toJsonSchema(contract: EventContract): Record<string, unknown> {
  const generated = z.toJSONSchema(contract.event, {
    target: 'draft-04',
    io: 'input',
    unrepresentable: 'any',
  });
  return {
    ...generated,
    title: `${contract.detailType} v${contract.version}`,
    description: `Event '${contract.detailType}' from '${contract.source}', eventVersion ${contract.version}. Generated from contracts/events; do not edit.`,
  };
}
