/**
 * The import graph of the tree's TypeScript files, for the rooms check (`bin/rooms.ts`, DESIGN §1): which
 * file imports which, whether an arrow carries values or types only, which arrows are re-exports, and the
 * circles. Reading the source is the only I/O here; parsing and the graph are pure.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/** One relative module specifier of a file. */
export interface ImportOf {
  spec: string;
  /** `import type`, `export type`, or braces whose every name is marked `type`: no value crosses the arrow. */
  typeOnly: boolean;
  /** `export … from`: whoever imports this file receives what the target exports. */
  reexport: boolean;
}

/** An arrow between two repo-relative files. */
export interface Arrow {
  from: string;
  to: string;
  typeOnly: boolean;
  reexport: boolean;
}

const STATIC = /(?:^|[\s;])(import|export)\s+(type\s+)?(?:([^'";]*?)\s*from\s*)?['"](\.[^'"]+)['"]/g;
const DYNAMIC = /import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

/** Relative module specifiers of a file: static imports and re-exports, side-effect and dynamic imports. */
export function importsOf(source: string): ImportOf[] {
  const found: { at: number; imp: ImportOf }[] = [];
  for (const m of source.matchAll(STATIC)) {
    const clause = m[3] ?? '';
    const typeOnly = m[2] !== undefined || everyNameIsType(clause);
    found.push({ at: m.index, imp: { spec: m[4]!, typeOnly, reexport: m[1] === 'export' } });
  }
  for (const m of source.matchAll(DYNAMIC)) found.push({ at: m.index, imp: { spec: m[1]!, typeOnly: false, reexport: false } });
  return found.sort((a, b) => a.at - b.at).map((f) => f.imp);
}

/** `{ type A, type B }` carries types only; a default, a namespace or one unmarked name carries values. */
function everyNameIsType(clause: string): boolean {
  const braces = /^\{([^}]*)\}$/.exec(clause.trim());
  if (!braces) return false;
  const names = braces[1]!.split(',').map((n) => n.trim()).filter((n) => n !== '');
  return names.length > 0 && names.every((n) => /^type\s/.test(n));
}

/** The repo-relative path an import specifier of `file` names. */
export function targetOf(file: string, spec: string): string {
  return normalize(join(dirname(file), spec)).split('\\').join('/');
}

/** Every `.ts` file under `dirs` of `root` (repo-relative, `/`-separated), plus the `files` that exist. */
export function tsFilesOf(root: string, dirs: readonly string[], files: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts')) out.push(relative(root, p).split('\\').join('/'));
    }
  };
  for (const d of dirs) {
    try {
      walk(join(root, d));
    } catch {
      // A top-level folder the tree does not have holds no files; an empty tree fails in the caller.
    }
  }
  for (const f of files) {
    try {
      if (statSync(join(root, f)).isFile()) out.push(f);
    } catch {
      // Absent: nothing to check.
    }
  }
  return out.sort();
}

/** The sources of `files` under `root`. */
export function readSources(root: string, files: readonly string[]): Map<string, string> {
  return new Map(files.map((f) => [f, readFileSync(join(root, f), 'utf8')]));
}

/** Every arrow among `sources` (targets outside the tree, such as `node_modules`, included). */
export function arrowsOf(sources: ReadonlyMap<string, string>): Arrow[] {
  return [...sources].flatMap(([from, source]) =>
    importsOf(source).map(({ spec, typeOnly, reexport }) => ({ from, to: targetOf(from, spec), typeOnly, reexport })));
}

/**
 * What importing `file` also brings in through its re-exports, followed to the end of the chain: the final
 * files and whether only types arrive (any type-only link in the chain makes it so).
 */
export function reexportedThrough(file: string, arrows: readonly Arrow[]): { to: string; typeOnly: boolean; via: string }[] {
  const out: { to: string; typeOnly: boolean; via: string }[] = [];
  const seen = new Set<string>();
  const visit = (at: string, typeOnly: boolean): void => {
    for (const a of arrows) {
      if (a.from !== at || !a.reexport || seen.has(`${a.to}|${typeOnly || a.typeOnly}`)) continue;
      seen.add(`${a.to}|${typeOnly || a.typeOnly}`);
      out.push({ to: a.to, typeOnly: typeOnly || a.typeOnly, via: at });
      visit(a.to, typeOnly || a.typeOnly);
    }
  };
  visit(file, false);
  return out;
}

/**
 * The circles of the graph (type arrows included: a circle of types is a circle of knowledge), one per
 * strongly connected component (its `knot`), each as a path that starts and ends at the same file.
 */
export function circlesOf(arrows: readonly Arrow[]): { circle: string[]; knot: string[] }[] {
  const next = new Map<string, string[]>();
  for (const a of arrows) if (a.from !== a.to) next.set(a.from, [...(next.get(a.from) ?? []), a.to]);
  return componentsOf(next).filter((c) => c.length > 1).map((knot) => ({ circle: circleWithin(knot, next), knot }));
}

/** Tarjan's strongly connected components, iteratively (no recursion limit on deep trees). */
function componentsOf(next: ReadonlyMap<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (const start of [...next.keys()].sort()) {
    if (index.has(start)) continue;
    const work: { node: string; i: number }[] = [{ node: start, i: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const succ = next.get(top.node) ?? [];
      if (top.i < succ.length) {
        const w = succ[top.i++]!;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ node: w, i: 0 });
        } else if (onStack.has(w)) low.set(top.node, Math.min(low.get(top.node)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!.node;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!));
      }
      if (low.get(top.node) === index.get(top.node)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== top.node);
        out.push(comp.sort());
      }
    }
  }
  return out;
}

/** One circle through the first file of a component: the shortest way back to it (breadth first). */
function circleWithin(component: readonly string[], next: ReadonlyMap<string, string[]>): string[] {
  const inside = new Set(component);
  const start = component[0]!;
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const at = queue.shift()!;
    for (const w of next.get(at) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let p: string | undefined = at; p !== undefined && p !== start; p = cameFrom.get(p)) path.splice(1, 0, p);
        return [...path, start];
      }
      if (!cameFrom.has(w)) {
        cameFrom.set(w, at);
        queue.push(w);
      }
    }
  }
  return [...component, start];
}
