import type { OrderTrace, TraceHop } from '../trace/model.js';
import type { NodeKind, Topology, TopologyNode } from './model.js';

/**
 * Which nodes of the drawing an order's hops touched. A hop names where it happened (a rule,
 * queue, function, saga state, topic-partition or group) in the words of its source; a node
 * answers to its label, its construct name (with or without the stack) and its physical name.
 */

/** Hop kinds that happen at the one node of a kind, whatever the hop calls it. */
const KIND_OF_HOP: Partial<Record<TraceHop['kind'], NodeKind>> = {
  'bus-put': 'bus',
  'saga-step': 'state-machine',
  compensation: 'state-machine',
  'store-append': 'event-store',
  'kafka-append': 'kafka-topic',
};

const norm = (s: string) => s.trim().toLowerCase();

/** The names a node answers to; `physical` adds its deployed name (queue URL, ARN, function name). */
export function namesOf(node: TopologyNode, physical?: string): string[] {
  const last = physical?.split(/[/:]/).pop();
  return [
    ...node.aliases,
    `${node.stackName}/${node.aliases[1] ?? node.label}`,
    ...(physical ? [physical] : []),
    ...(last ? [last] : []),
  ]
    .map(norm)
    .filter((n) => n.length > 0);
}

export function touchedNodes(
  topology: Topology,
  trace: OrderTrace,
  physicalIds: ReadonlyMap<string, string> = new Map(),
): string[] {
  const names = new Map(topology.nodes.map((n) => [n.id, new Set(namesOf(n, physicalIds.get(n.id)))]));
  const touched = new Set<string>();
  for (const hop of trace.hops) {
    const only = KIND_OF_HOP[hop.kind];
    const single = only ? topology.nodes.filter((n) => n.kind === only) : [];
    if (single.length === 1 && single[0]) touched.add(single[0].id);
    // `orders.events[2]`, `orders.events/2`, `OrderEvents/EmailQueue`, `EmailNotifier`...
    const candidates = [
      hop.where,
      hop.where.replace(/[[/#:-]\d+\]?$/, ''),
      hop.where.split('/').at(-1) ?? '',
      String(hop.details?.group ?? ''),
    ]
      .map(norm)
      .filter((c) => c.length > 0);
    const stack = topology.stacks.find((s) => hop.where.startsWith(`${s}/`));
    for (const n of topology.nodes) {
      if (stack && n.stackName !== stack) continue;
      if (candidates.some((c) => names.get(n.id)?.has(c))) touched.add(n.id);
    }
  }
  // A group's read is its function's invocation (the consumer logs no line of its own there).
  for (const e of topology.edges)
    if (touched.has(e.from) && e.from.startsWith('group:') && e.kind === 'flow') touched.add(e.to);
  return [...touched];
}
