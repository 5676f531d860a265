/**
 * Bench note `heap by constructor`: what holds the memory of a fleet (DESIGN §13), from a V8 heap
 * snapshot. A pure parser (`heapByConstructor`) over the snapshot's flat node table, and
 * `node --expose-gc --import tsx bench/heap-by-constructor.ts --locks N --gateways M [--top K] [--shard]`,
 * which starts an in-process fleet, writes a snapshot and prints the top holders per lock. `--shard`:
 * the fleet as one `npm run fleet` shard holds it — devices only (no cloud), its locks given as columns
 * and none in its fixture, and the broker in its own thread, so outside this heap.
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import { collectGarbage } from './gc.ts';

/** The parts of a `.heapsnapshot` the breakdown reads. */
export interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Self size and count of one holder: an object's constructor, a closure's name, or a V8 node type. */
export interface Holder {
  name: string;
  count: number;
  bytes: number;
}

/** Self sizes summed by holder, largest first. Objects by constructor, closures as `closure name`, the rest by type. */
export function heapByConstructor(s: HeapSnapshot): Holder[] {
  const fields = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  if (typeAt! < 0 || nameAt! < 0 || sizeAt! < 0) throw new Error('heap snapshot: meta.node_fields lacks type, name or self_size');
  const by = new Map<string, Holder>();
  for (let i = 0; i < s.nodes.length; i += fields.length) {
    const type = types[s.nodes[i + typeAt!]!] ?? 'unknown';
    const name = s.strings[s.nodes[i + nameAt!]!] ?? '';
    const key = type === 'object' ? name : type === 'closure' ? `closure ${name || '(anonymous)'}` : `(${type})`;
    const h = by.get(key) ?? { name: key, count: 0, bytes: 0 };
    h.count++;
    h.bytes += s.nodes[i + sizeAt!]!;
    by.set(key, h);
  }
  return [...by.values()].sort((a, b) => b.bytes - a.bytes);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    locks: { type: 'string', default: '10000' }, gateways: { type: 'string', default: '1000' }, top: { type: 'string', default: '30' }, shard: { type: 'boolean', default: false },
  } });
  const [locks, gateways, top] = [Number(values.locks), Number(values.gateways), Number(values.top)];
  if (!(locks > 0 && gateways > 0 && top > 0)) throw new Error('usage: --locks N --gateways M [--top K] (positive integers)');
  const { World, lockSpecOf } = await import('../sim/world/world.ts');
  const { LockColumns } = await import('../sim/lock/lock-columns.ts');
  const { fleetFixture } = await import('./fleet-fixture.ts');
  // As `npm run fleet` starts a shard (bin/fleet-load.ts): its locks as columns, its fixture without them;
  // in a function of its own, so the fixture's lock objects die with its frame before the snapshot.
  const asShard = () => {
    const fixture = fleetFixture(locks, gateways);
    const lockColumns = new LockColumns(fixture.locks.map((l) => lockSpecOf(l, fixture.defects)));
    return World.create({ ...fixture, locks: [] }, { ackTimeoutMs: 5000, cloud: false, brokerThread: true, lockColumns });
  };
  const world = values.shard ? await asShard() : await World.create(fleetFixture(locks, gateways), { ackTimeoutMs: 5000 });
  const apIds = world.fixture.gateways.map((g) => g.ap_id);
  const t0 = performance.now();
  // Bounded: the cloud learns every retained status within seconds at this size (a shard has no cloud to wait for).
  while (world.cloud && !apIds.every((id) => world.cloud!.gatewayOnline(id)) && performance.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 20));
  collectGarbage();
  process.stdout.on('error', () => undefined);
  const file = writeHeapSnapshot(join(tmpdir(), `lockbench-heap-${process.pid}.heapsnapshot`));
  await world.close();
  try {
    const holders = heapByConstructor(JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot);
    const total = holders.reduce((a, h) => a + h.bytes, 0);
    process.stdout.write(`heap ${Math.round(total / 1024 / 1024)} MB for ${locks} locks / ${gateways} gateways${values.shard ? ' (as a shard)' : ''} = ${Math.round(total / locks)} B per lock\n`);
    process.stdout.write(`${'holder'.padEnd(48)} ${'count'.padStart(9)} ${'bytes'.padStart(12)} ${'B/lock'.padStart(8)}\n`);
    for (const h of holders.slice(0, top)) {
      process.stdout.write(`${h.name.slice(0, 48).padEnd(48)} ${String(h.count).padStart(9)} ${String(h.bytes).padStart(12)} ${(h.bytes / locks).toFixed(1).padStart(8)}\n`);
    }
  } finally {
    rmSync(file, { force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
