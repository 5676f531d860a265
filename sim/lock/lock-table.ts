import type { Clock } from '../clock/index.ts';
import type { LockEvent } from '../protocol/index.ts';
import { VirtualLock } from './lock.ts';
import { indexOfSorted, LockColumns } from './lock-columns.ts';
import type { LockSnapshot, LockSpec } from './types.ts';

const DAY_S = 86_400;

/** Where a lock's events go while nobody holds its object: one listener for many locks (a gateway's radio). */
export type LockRoute = (ev: LockEvent) => unknown;

/**
 * A fleet's locks as data (DESIGN §13 memory per lock): each lock a row of a few dozen bytes in
 * `LockColumns`, and a `VirtualLock` made from its row on first use (`get`) and kept until `reset`.
 * A lock nobody used is exactly its spec as of its birth: its clock is a function of world time
 * (DESIGN §2) and its drain a function of the world time that went forward, so it needs no object and
 * no timer. The one thing an unused lock does by itself — a battery crossing `low_battery_pct`
 * (DESIGN §5.4 `battery` event) — is found when the clock moves (`tick`), and that lock made then.
 * Events reach a route (`route`), one per gateway, instead of a subscription chain per lock.
 */
export class LockTable {
  private readonly rows: LockColumns;
  /** The locks made so far, by row. */
  private live = new Map<number, VirtualLock>();
  /** Route index per row (0: none) into `routes`. */
  private readonly routeOf: Uint32Array;
  private readonly routes: (LockRoute | undefined)[] = [undefined];
  private bornW: number;
  /** World time gone forward since birth (`LockBirth.drainedS`), caught up at each look. */
  private drainedS = 0;
  private lastW: number;
  /** The drained seconds at which the next unused lock's battery turns low (Infinity: none will). */
  private nextLowS = Infinity;

  /** `specs`: every lock of the world (ids unique), or their columns made already; `clock`: world time. */
  constructor(specs: readonly LockSpec[] | LockColumns, private readonly clock: Clock) {
    this.rows = specs instanceof LockColumns ? specs : new LockColumns(specs);
    this.routeOf = new Uint32Array(this.rows.size);
    this.bornW = this.lastW = clock.now();
    this.nextLowS = this.firstLowS();
  }

  /** How many locks. */
  get size(): number {
    return this.rows.size;
  }

  /** How many locks have an object (used since birth). */
  get liveCount(): number {
    return this.live.size;
  }

  has(lockId: number): boolean {
    return indexOfSorted(this.rows.ids, lockId) >= 0;
  }

  /** The lock `lockId`, made from its row on first use; undefined for a lock not in the table. */
  get(lockId: number): VirtualLock | undefined {
    const row = indexOfSorted(this.rows.ids, lockId);
    return row < 0 ? undefined : this.at(row);
  }

  /** Every lock id, ascending. */
  keys(): IterableIterator<number> {
    return this.rows.ids.values();
  }

  /** Every lock, each made if it was not yet (a full walk, as the control API's `GET /world`, pays for all). */
  *values(): IterableIterator<VirtualLock> {
    for (let row = 0; row < this.rows.size; row++) yield this.at(row);
  }

  /**
   * Every lock's snapshot, ascending by id, without keeping a lock it had to make: a lock nobody used is
   * read from an object made for the look and dropped (the control API's `GET /world` over a quarter million
   * locks otherwise kept ~450 MB of objects for the world's life, DESIGN §13).
   */
  *snapshots(): IterableIterator<LockSnapshot> {
    for (let row = 0; row < this.rows.size; row++) {
      yield (this.live.get(row) ?? this.born(row)).snapshot();
    }
  }

  /**
   * Send the events of `lockIds` (those in the table) to `route` instead of any route before;
   * returns the function that takes the route away again.
   */
  route(lockIds: ArrayLike<number>, route: LockRoute): () => void {
    const index = this.routes.push(route) - 1;
    for (let i = 0; i < lockIds.length; i++) {
      const row = indexOfSorted(this.rows.ids, lockIds[i]!);
      if (row >= 0) this.routeOf[row] = index;
    }
    return () => {
      this.routes[index] = undefined;
      for (let i = 0; i < lockIds.length; i++) {
        const row = indexOfSorted(this.rows.ids, lockIds[i]!);
        if (row >= 0 && this.routeOf[row] === index) this.routeOf[row] = 0;
      }
    };
  }

  /** World time moved (`WorldClock.onMove`): every lock made catches up, and every unused lock whose battery turned low is made and says so. */
  tick(): void {
    this.catchUp();
    for (const lock of this.live.values()) lock.tick();
    if (this.drainedS < this.nextLowS) return;
    for (let row = 0; row < this.rows.size; row++) {
      // Made a little early rather than late: a lock made before its crossing reports it at its own tick.
      if (!this.live.has(row) && this.lowAtS(row) <= this.drainedS * (1 + 1e-9) + 1e-6) this.at(row).tick();
    }
    this.nextLowS = this.firstLowS();
  }

  /** Every lock back to its spec, born now (a world reset, DESIGN §12); routes stay. */
  reset(): void {
    this.live = new Map();
    this.bornW = this.lastW = this.clock.now();
    this.drainedS = 0;
    this.nextLowS = this.firstLowS();
  }

  private at(row: number): VirtualLock {
    const made = this.live.get(row);
    if (made) return made;
    const lock = this.born(row);
    this.live.set(row, lock);
    // A lock dropped by `reset` and still held by someone routes nothing: its row has a new life.
    lock.onEvent((ev) => this.live.get(row) === lock && this.routes[this.routeOf[row]!]?.(ev));
    return lock;
  }

  /** Row `row`'s lock as it is now had it been made at birth (not kept). */
  private born(row: number): VirtualLock {
    this.catchUp();
    return new VirtualLock(this.rows.spec(row), this.clock, this.clock, { w: this.bornW, drainedS: this.drainedS });
  }

  private catchUp(): void {
    const w = this.clock.now();
    if (w > this.lastW) this.drainedS += w - this.lastW;
    this.lastW = w;
  }

  /** The drained seconds at which an unused lock's battery goes below `low_battery_pct` (Infinity: never, or low already at birth). */
  private lowAtS(row: number): number {
    const { batteryPct, lowBatteryPct, idleDrainPctPerDay } = this.rows.battery(row);
    if (idleDrainPctPerDay <= 0 || batteryPct < lowBatteryPct) return Infinity;
    return ((batteryPct - lowBatteryPct) * DAY_S) / idleDrainPctPerDay;
  }

  private firstLowS(): number {
    let first = Infinity;
    for (let row = 0; row < this.rows.size; row++) if (!this.live.has(row)) first = Math.min(first, this.lowAtS(row));
    return first;
  }
}
