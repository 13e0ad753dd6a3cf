/** Step Functions definitions as Mermaid flowcharts (npm run saga:diagram). */

import type { AslChoiceRule, StateMachineDefinition } from '../shared/asl.js';

/** A Choice rule in a few words: the last path segment and what it is tested for. */
export function describeRule(rule: AslChoiceRule): string {
  if (rule.And) {
    // `x present and x = v` reads as `x = v`: the presence check only guards the comparison.
    const compared = new Set(rule.And.filter((r) => r.IsPresent === undefined).map((r) => r.Variable));
    const parts = rule.And.filter((r) => !(r.IsPresent === true && compared.has(r.Variable)));
    return parts.map(describeRule).join(' and ');
  }
  if (rule.Or) return rule.Or.map(describeRule).join(' or ');
  if (rule.Not)
    return rule.Not.StringEquals !== undefined
      ? `${field(rule.Not)} ≠ ${rule.Not.StringEquals}`
      : `not (${describeRule(rule.Not)})`;
  if (rule.IsPresent !== undefined) return `${field(rule)} ${rule.IsPresent ? 'present' : 'missing'}`;
  if (rule.StringEquals !== undefined) return `${field(rule)} = ${rule.StringEquals}`;
  return 'rule';
}

const field = (rule: AslChoiceRule) => rule.Variable?.split('.').at(-1) ?? '?';

export function toMermaid(definition: StateMachineDefinition): string {
  const id = (name: string) => name.replace(/[^A-Za-z0-9]/g, '_');
  const lines = ['flowchart TD', `  start((start)) --> ${id(definition.StartAt)}`];
  for (const [name, state] of Object.entries(definition.States)) {
    const shape =
      state.Type === 'Choice'
        ? `{"${name}"}`
        : state.Type === 'Fail'
          ? `[/"${name}"/]`
          : state.Type === 'Succeed'
            ? `(["${name}"])`
            : `["${name}"]`;
    lines.push(`  ${id(name)}${shape}`);
    if (state.Next) lines.push(`  ${id(name)} --> ${id(state.Next)}`);
    for (const choice of state.Choices ?? [])
      if (choice.Next) lines.push(`  ${id(name)} -->|${describeRule(choice)}| ${id(choice.Next)}`);
    if (state.Default) lines.push(`  ${id(name)} -->|otherwise| ${id(state.Default)}`);
    for (const c of state.Catch ?? []) lines.push(`  ${id(name)} -.->|fault after retries| ${id(c.Next)}`);
  }
  return lines.join('\n');
}
