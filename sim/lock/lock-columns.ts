import type { LockSpec } from './types.ts';

const SECRET_BYTES = 16;
const MAC_BYTES = 6;
const LOWER_HEX_SECRET = /^[0-9a-f]{32}$/;
const LOWER_MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;
/** Distinct profiles a `Uint16Array` can name; a row past them keeps its whole spec. */
const PROFILES_MAX = 0xffff;

/** What a fleet's locks share among few distinct values: every spec field but the per-lock ones. */
type Profile = Omit<LockSpec, 'lockId' | 'mac' | 'secretHex' | 'driftPpm' | 'clockOffsetS' | 'batteryPct'>;

/** The index of `v` in the ascending `sorted`, or -1. */
export function indexOfSorted(sorted: ArrayLike<number>, v: number): number {
  let [lo, hi] = [0, sorted.length - 1];
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = sorted[mid]!;
    if (at === v) return mid;
    if (at < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** A `LockColumns` as plain data, for a structured clone (its typed arrays can be transferred). */
export interface LockColumnsData {
  ids: Uint32Array;
  secrets: Uint8Array;
  macs: Uint8Array;
  driftPpm: Float64Array;
  clockOffsetS: Float64Array;
  batteryPct: Float64Array;
  profileOf: Uint16Array;
  profiles: Profile[];
  whole: Map<number, LockSpec>;
}

/**
 * Lock specs as columns (DESIGN §13 memory per lock), rows ascending by lock id: id 4 B, secret 16 B,
 * MAC 6 B, drift, clock offset and battery 8 B each, and 2 B naming the row's profile (everything else
 * of a spec, shared: a fleet has a handful). A spec that does not fit (a secret other than 32 lowercase
 * hex digits, say) keeps its own object. `spec(row)` gives back an equal spec.
 */
export class LockColumns {
  readonly ids: Uint32Array;
  private readonly secrets: Uint8Array;
  private readonly macs: Uint8Array;
  private readonly driftPpm: Float64Array;
  private readonly clockOffsetS: Float64Array;
  private readonly batteryPct: Float64Array;
  private readonly profileOf: Uint16Array;
  private readonly profiles: Profile[] = [];
  /** Rows whose spec does not fit the columns. */
  private readonly whole = new Map<number, LockSpec>();

  /** Columns again from `data()` (sent from another thread: a fleet shard's fixture loader). */
  static from(data: LockColumnsData): LockColumns {
    return Object.assign(Object.create(LockColumns.prototype) as LockColumns, data);
  }

  constructor(specs: readonly LockSpec[]) {
    const n = specs.length;
    const order = specs.map((_, i) => i).sort((a, b) => specs[a]!.lockId - specs[b]!.lockId);
    this.ids = new Uint32Array(n);
    this.secrets = new Uint8Array(n * SECRET_BYTES);
    this.macs = new Uint8Array(n * MAC_BYTES);
    this.driftPpm = new Float64Array(n);
    this.clockOffsetS = new Float64Array(n);
    this.batteryPct = new Float64Array(n);
    this.profileOf = new Uint16Array(n);
    const profileIndex = new Map<string, number>();
    order.forEach((from, row) => {
      const s = specs[from]!;
      if (row > 0 && s.lockId === this.ids[row - 1]) throw new RangeError(`lock ${s.lockId} is in the table twice`);
      this.ids[row] = s.lockId;
      const { lockId: _id, mac, secretHex, driftPpm, clockOffsetS, batteryPct, ...profile } = s;
      const key = JSON.stringify(profile);
      let p = profileIndex.get(key);
      if (p === undefined && this.profiles.length < PROFILES_MAX) profileIndex.set(key, (p = this.profiles.push(profile) - 1));
      if (p === undefined || !LOWER_HEX_SECRET.test(secretHex) || !LOWER_MAC.test(mac)) {
        this.whole.set(row, s);
        return;
      }
      this.profileOf[row] = p;
      this.secrets.set(Buffer.from(secretHex, 'hex'), row * SECRET_BYTES);
      this.macs.set(Buffer.from(mac.replaceAll(':', ''), 'hex'), row * MAC_BYTES);
      this.driftPpm[row] = driftPpm;
      this.clockOffsetS[row] = clockOffsetS;
      this.batteryPct[row] = batteryPct;
    });
  }

  get size(): number {
    return this.ids.length;
  }

  /** The columns as plain data, and the buffers a `postMessage` may transfer. */
  data(): { data: LockColumnsData; transfer: ArrayBuffer[] } {
    const { ids, secrets, macs, driftPpm, clockOffsetS, batteryPct, profileOf, profiles, whole } = this;
    const columns = [ids, secrets, macs, driftPpm, clockOffsetS, batteryPct, profileOf];
    return { data: { ids, secrets, macs, driftPpm, clockOffsetS, batteryPct, profileOf, profiles, whole }, transfer: columns.map((c) => c.buffer as ArrayBuffer) };
  }

  /** Row `row`'s spec, a fresh object equal to the one it was built from. */
  spec(row: number): LockSpec {
    const whole = this.whole.get(row);
    if (whole) return whole;
    const mac = Buffer.from(this.macs.subarray(row * MAC_BYTES, (row + 1) * MAC_BYTES)).toString('hex').replace(/(..)(?!$)/g, '$1:');
    return {
      lockId: this.ids[row]!,
      mac,
      secretHex: Buffer.from(this.secrets.subarray(row * SECRET_BYTES, (row + 1) * SECRET_BYTES)).toString('hex'),
      driftPpm: this.driftPpm[row]!,
      clockOffsetS: this.clockOffsetS[row]!,
      batteryPct: this.batteryPct[row]!,
      ...this.profiles[this.profileOf[row]!]!,
    };
  }

  /** What idle drain needs of a row (DESIGN §5.4), without making its spec. */
  battery(row: number): { batteryPct: number; lowBatteryPct: number; idleDrainPctPerDay: number } {
    const whole = this.whole.get(row);
    if (whole) return whole;
    const p = this.profiles[this.profileOf[row]!]!;
    return { batteryPct: this.batteryPct[row]!, lowBatteryPct: p.lowBatteryPct, idleDrainPctPerDay: p.idleDrainPctPerDay };
  }
}
