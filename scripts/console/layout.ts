import dagre from '@dagrejs/dagre';
import type { LaidOutTopology, NodeBox, Point, Topology } from './model.js';

/**
 * Positions for the drawing, from dagre (left to right, one cluster per stack). The page only
 * draws the boxes and routes it is given.
 */

const NODE_HEIGHT = 44;
/** Roughly the width of a label in the page's 12 px sans-serif, with padding. */
const widthOf = (label: string) => Math.max(96, Math.round(label.length * 7) + 28);
const cluster = (stackName: string) => `stack:${stackName}`;

export function layoutTopology(topology: Topology): LaidOutTopology {
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 10, ranksep: 44, edgesep: 8, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const stackName of topology.stacks) g.setNode(cluster(stackName), { label: stackName });
  for (const n of topology.nodes) {
    g.setNode(n.id, { width: widthOf(n.label), height: NODE_HEIGHT });
    g.setParent(n.id, cluster(n.stackName));
  }
  topology.edges.forEach((e, i) => {
    // Dead-letter edges matter less to the flow: let them bend rather than pull ranks apart.
    g.setEdge(e.from, e.to, { weight: e.kind === 'flow' ? 2 : 1, minlen: 1 }, String(i));
  });
  dagre.layout(g);

  const box = (id: string): NodeBox => {
    const n = g.node(id);
    return { x: n.x ?? 0, y: n.y ?? 0, width: n.width, height: n.height };
  };
  const routes = topology.edges.map(
    (e, i): readonly Point[] => (g.edge({ v: e.from, w: e.to, name: String(i) })?.points ?? []) as Point[],
  );
  const graph = g.graph();
  return {
    ...topology,
    boxes: Object.fromEntries(topology.nodes.map((n) => [n.id, box(n.id)])),
    clusters: Object.fromEntries(topology.stacks.map((s) => [s, box(cluster(s))])),
    routes,
    width: graph.width ?? 0,
    height: graph.height ?? 0,
  };
}
