import { readFileSync } from 'node:fs';

/**
 * Where the bytes of a V8 heap snapshot go, for bench/fanout-heap.ts: the dominator tree (an object's retained size is
 * what would be freed with it) and the objects that are new since an earlier snapshot of the same process (node ids
 * are stable within a process). Enough of the .heapsnapshot format to do that; Chrome DevTools reads the same files.
 */

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** One group of new objects: `count` roots named `name`, retaining `bytes` in all. */
export interface HeapGroup {
  name: string;
  count: number;
  bytes: number;
}

export class HeapSnapshot {
  private readonly raw: RawSnapshot;
  private readonly fieldCount: number;
  private readonly edgeFieldCount: number;
  private readonly nodeCount: number;
  private readonly firstEdge: Uint32Array;
  private readonly dominator: Int32Array;
  private readonly retained: Float64Array;
  private readonly reachable: Uint8Array;

  constructor(file: string) {
    this.raw = JSON.parse(readFileSync(file, 'utf8')) as RawSnapshot;
    const { meta } = this.raw.snapshot;
    this.fieldCount = meta.node_fields.length;
    this.edgeFieldCount = meta.edge_fields.length;
    this.nodeCount = this.raw.nodes.length / this.fieldCount;
    this.firstEdge = new Uint32Array(this.nodeCount + 1);
    const edgeCountField = meta.node_fields.indexOf('edge_count');
    for (let node = 0, edge = 0; node < this.nodeCount; node++) {
      this.firstEdge[node] = edge;
      edge += this.raw.nodes[node * this.fieldCount + edgeCountField]! * this.edgeFieldCount;
    }
    this.firstEdge[this.nodeCount] = this.raw.edges.length;
    this.reachable = new Uint8Array(this.nodeCount);
    this.dominator = new Int32Array(this.nodeCount).fill(-1);
    this.retained = new Float64Array(this.nodeCount);
    this.computeDominators();
  }

  /** The ids of every node (to tell new objects in a later snapshot of the same process). */
  ids(): Set<number> {
    const idField = this.raw.snapshot.meta.node_fields.indexOf('id');
    const ids = new Set<number>();
    for (let node = 0; node < this.nodeCount; node++) ids.add(this.raw.nodes[node * this.fieldCount + idField]!);
    return ids;
  }

  /**
   * Objects not in `before`, grouped by the name (constructor, closure or V8 type) of each new subtree's root: a new
   * object whose dominator is old. A group's bytes are everything its roots retain.
   */
  newGroups(before: Set<number>): HeapGroup[] {
    const idField = this.raw.snapshot.meta.node_fields.indexOf('id');
    const isNew = (node: number) => !before.has(this.raw.nodes[node * this.fieldCount + idField]!);
    const groups = new Map<string, HeapGroup>();
    for (let node = 1; node < this.nodeCount; node++) {
      if (!this.reachable[node] || !isNew(node) || isNew(this.dominator[node]!)) continue;
      const name = this.nameOf(node);
      const group = groups.get(name) ?? { name, count: 0, bytes: 0 };
      group.count++;
      group.bytes += this.retained[node]!;
      groups.set(name, group);
    }
    return [...groups.values()].sort((a, b) => b.bytes - a.bytes);
  }

  /**
   * Inside the roots of one group (see newGroups): what each root dominates directly, by the property that holds it
   * and its name, summed over the group's roots.
   */
  partsOf(group: string, before: Set<number>): HeapGroup[] {
    const idField = this.raw.snapshot.meta.node_fields.indexOf('id');
    const isNew = (node: number) => !before.has(this.raw.nodes[node * this.fieldCount + idField]!);
    const parts = new Map<string, HeapGroup>();
    for (let node = 1; node < this.nodeCount; node++) {
      const root = this.dominator[node]!;
      if (!this.reachable[node] || root < 1 || !isNew(root) || isNew(this.dominator[root]!) || this.nameOf(root) !== group) continue;
      const name = `${this.edgeName(root, node)}: ${this.nameOf(node)}`;
      const part = parts.get(name) ?? { name, count: 0, bytes: 0 };
      part.count++;
      part.bytes += this.retained[node]!;
      parts.set(name, part);
    }
    return [...parts.values()].sort((a, b) => b.bytes - a.bytes);
  }

  /** The name of the property (or index) by which `from` refers to `to`; `~` when only through another object. */
  private edgeName(from: number, to: number): string {
    const { meta } = this.raw.snapshot;
    const [typeField, nameField, toField] = ['type', 'name_or_index', 'to_node'].map((field) => meta.edge_fields.indexOf(field)) as [number, number, number];
    for (let edge = this.firstEdge[from]!; edge < this.firstEdge[from + 1]!; edge += this.edgeFieldCount) {
      if (this.raw.edges[edge + toField]! / this.fieldCount !== to) continue;
      const type = meta.edge_types[0][this.raw.edges[edge + typeField]!];
      const name = this.raw.edges[edge + nameField]!;
      return type === 'element' || type === 'hidden' ? `[${name}]` : this.raw.strings[name]!;
    }
    return '~';
  }

  private nameOf(node: number): string {
    const { meta } = this.raw.snapshot;
    const type = meta.node_types[0][this.raw.nodes[node * this.fieldCount + meta.node_fields.indexOf('type')]!]!;
    const name = this.raw.strings[this.raw.nodes[node * this.fieldCount + meta.node_fields.indexOf('name')]!]!;
    if (type === 'object' || type === 'closure') return `${name || '(anonymous)'}${type === 'closure' ? '()' : ''}`;
    return `(${type})`;
  }

  /** Cooper, Harvey and Kennedy's iterative dominators over a reverse postorder from the root; weak edges ignored. */
  private computeDominators(): void {
    const { meta } = this.raw.snapshot;
    const { edges, nodes } = this.raw;
    const typeField = meta.edge_fields.indexOf('type');
    const toField = meta.edge_fields.indexOf('to_node');
    const ignored = new Set([meta.edge_types[0].indexOf('weak'), meta.edge_types[0].indexOf('shortcut')]);
    const targets = (node: number, visit: (target: number) => void) => {
      for (let edge = this.firstEdge[node]!; edge < this.firstEdge[node + 1]!; edge += this.edgeFieldCount) {
        if (!ignored.has(edges[edge + typeField]!)) visit(edges[edge + toField]! / this.fieldCount);
      }
    };
    // Postorder by an explicit stack (the graph is far too deep for recursion).
    const postorder: number[] = [];
    const cursor = new Uint32Array(this.nodeCount);
    const stack = [0];
    this.reachable[0] = 1;
    cursor[0] = this.firstEdge[0]!;
    while (stack.length) {
      const node = stack[stack.length - 1]!;
      let descended = false;
      while (cursor[node]! < this.firstEdge[node + 1]!) {
        const edge = cursor[node]!;
        cursor[node] = edge + this.edgeFieldCount;
        const target = edges[edge + toField]! / this.fieldCount;
        if (ignored.has(edges[edge + typeField]!) || this.reachable[target]) continue;
        this.reachable[target] = 1;
        cursor[target] = this.firstEdge[target]!;
        stack.push(target);
        descended = true;
        break;
      }
      if (!descended) postorder.push(stack.pop()!);
    }
    const order = new Int32Array(this.nodeCount).fill(-1);
    postorder.forEach((node, index) => (order[node] = index));
    const predecessors: number[][] = Array.from({ length: this.nodeCount }, () => []);
    for (const node of postorder) targets(node, (target) => predecessors[target]!.push(node));
    const intersect = (a: number, b: number) => {
      while (a !== b) {
        while (order[a]! < order[b]!) a = this.dominator[a]!;
        while (order[b]! < order[a]!) b = this.dominator[b]!;
      }
      return a;
    };
    this.dominator[0] = 0;
    for (let changed = true; changed; ) {
      changed = false;
      for (let index = postorder.length - 2; index >= 0; index--) {
        const node = postorder[index]!;
        let candidate = -1;
        for (const predecessor of predecessors[node]!) {
          if (this.dominator[predecessor] === -1) continue;
          candidate = candidate === -1 ? predecessor : intersect(predecessor, candidate);
        }
        if (candidate !== -1 && this.dominator[node] !== candidate) {
          this.dominator[node] = candidate;
          changed = true;
        }
      }
    }
    const selfSize = meta.node_fields.indexOf('self_size');
    for (const node of postorder) {
      this.retained[node]! += nodes[node * this.fieldCount + selfSize]!;
      if (node !== 0) this.retained[this.dominator[node]!]! += this.retained[node]!;
    }
  }
}
