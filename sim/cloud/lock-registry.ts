import { UINT32_MAX } from '../protocol/uint.ts';
import type { LockLookup, LockRecord, MemberRecord } from './types.ts';

const SECRET_BYTES = 16;
const MAC_BYTES = 6;
/** Distinct profiles a `Uint16Array` can name; a row past them keeps its whole record. */
const PROFILES_MAX = 0xffff;
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
const MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i;
const LOWER_HEX_SECRET = /^[0-9a-f]{32}$/;
const UPPER_HEX_SECRET = /^[0-9A-F]{32}$/;

// Flag bits of a row.
const INIT = 1;
const BIND = 2;
const DEL = 4;
const HAS_AP = 8;
/** The record's MAC and secret were upper-case hex: given back as stored. */
const MAC_UPPER = 16;
const SECRET_UPPER = 32;

/** What a fleet's lock records share among few distinct values (dates, names, master, members…). */
type Profile = Pick<LockRecord, 'name' | 'descr' | 'master' | 'deviceVer' | 'firmwareVer' | 'initAt' | 'bindAt' | 'members'>;

/** A `LockRegistry` as plain data, for a structured clone (its typed arrays can be transferred). */
export interface LockRegistryData {
  ids: Uint32Array;
  secrets: Uint8Array;
  macs: Uint8Array;
  corpIds: Uint32Array;
  apIds: Uint32Array;
  seqStarts: Uint32Array;
  flags: Uint8Array;
  profileOf: Uint16Array;
  profiles: Profile[];
  whole: Map<number, LockRecord>;
  idOrder: Uint32Array;
  macKeys: Float64Array;
  macRows: Uint32Array;
  wholeMacs: Map<string, number>;
  corpsBehind: Map<number, Set<number>>;
}

/** A MAC `xx:xx:xx:xx:xx:xx` (any case) as a 48-bit number, or undefined. */
function macKey(mac: string): number | undefined {
  return MAC.test(mac) ? Number.parseInt(mac.replaceAll(':', ''), 16) : undefined;
}

/** Whether a record has `p`'s profile, field for field (members compared as JSON, the rare rows that have some). */
function sameProfile(p: Profile, r: LockRecord): boolean {
  return p.name === r.name && p.descr === r.descr && p.master.name === r.master.name && p.master.tel === r.master.tel
    && p.deviceVer === r.deviceVer && p.firmwareVer === r.firmwareVer && p.initAt === r.initAt && p.bindAt === r.bindAt
    && (p.members.length === 0 ? r.members.length === 0 : JSON.stringify(p.members) === JSON.stringify(r.members));
}

/** Rows 0…n-1 in ascending `key`; a fleet's rows usually are already, and are then not sorted again. */
function ascendingRows(n: number, key: (row: number) => number): Uint32Array {
  const rows = Uint32Array.from({ length: n }, (_, i) => i);
  for (let row = 1; row < n; row++) if (key(row) < key(row - 1)) return rows.sort((x, y) => key(x) - key(y));
  return rows;
}

/** The index `k` < `count` whose `valueAt(k)` (ascending in k) is `v`, or -1: a binary search. */
function indexInAscending(count: number, valueAt: (k: number) => number, v: number): number {
  let [lo, hi] = [0, count - 1];
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = valueAt(mid);
    if (at === v) return mid;
    if (at < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

const isUint32 = (v: number): boolean => Number.isInteger(v) && v >= 0 && v <= UINT32_MAX;

/**
 * The cloud's lock records as columns (DESIGN §13 memory per lock): per row id, corp, AP and first seq
 * 4 B each, secret 16 B, MAC 6 B, a flag byte and 2 B naming the row's profile — everything else of a
 * record (names, master, versions, dates, members), shared: a fleet has a handful of distinct ones. Found
 * by id and by MAC (any case) through sorted columns and a binary search, not a Map of objects. A record
 * that does not fit (a secret other than 32 hex digits of one case, say) keeps its own object. `byId` and
 * `byMac` make a fresh `LockRecord` equal to the one given: short-lived, nothing keeps it.
 */
export class LockRegistry implements LockLookup {
  private readonly ids: Uint32Array;
  private readonly secrets: Uint8Array;
  private readonly macs: Uint8Array;
  private readonly corpIds: Uint32Array;
  private readonly apIds: Uint32Array;
  private readonly seqStarts: Uint32Array;
  private readonly flags: Uint8Array;
  private readonly profileOf: Uint16Array;
  private readonly profiles: Profile[] = [];
  /** Rows whose record does not fit the columns. */
  private readonly whole = new Map<number, LockRecord>();
  /** Rows in ascending lock id. */
  private readonly idOrder: Uint32Array;
  /** Every compact row's MAC as a number, ascending, and its row. */
  private readonly macKeys: Float64Array;
  private readonly macRows: Uint32Array;
  /** The whole rows by lower-case MAC. */
  private readonly wholeMacs = new Map<string, number>();
  /**
   * The corps of the live locks behind each gateway, built once: a status change (DESIGN §3.4 type 1)
   * must not scan the whole lock table — at a million locks that scan per status kept the cloud minutes
   * behind the fleet (DESIGN §13).
   */
  private readonly corpsBehind = new Map<number, Set<number>>();

  /** A registry again from `data()` (sent from another thread: the cloud's fixture loader). */
  static from(data: LockRegistryData): LockRegistry {
    return Object.assign(Object.create(LockRegistry.prototype) as LockRegistry, data);
  }

  /** The registry of `count` records, `recordAt(i)` for each (made one at a time: a fleet's records need not all exist at once). */
  static of(count: number, recordAt: (i: number) => LockRecord): LockRegistry {
    return new LockRegistry(count, recordAt);
  }

  /** `records`: every lock of the cloud; lock ids and MACs (any case) unique, or a RangeError names the first repeated. */
  constructor(records: readonly LockRecord[]);
  constructor(count: number, recordAt: (i: number) => LockRecord);
  constructor(a: readonly LockRecord[] | number, b?: (i: number) => LockRecord) {
    const [n, recordAt] = typeof a === 'number' ? [a, b!] : [a.length, (i: number) => a[i]!];
    this.ids = new Uint32Array(n);
    this.secrets = new Uint8Array(n * SECRET_BYTES);
    this.macs = new Uint8Array(n * MAC_BYTES);
    this.corpIds = new Uint32Array(n);
    this.apIds = new Uint32Array(n);
    this.seqStarts = new Uint32Array(n);
    this.flags = new Uint8Array(n);
    this.profileOf = new Uint16Array(n);
    const profileIndex = new Map<string, number>();
    let last: number | undefined;
    const secrets = Buffer.from(this.secrets.buffer);
    for (let row = 0; row < n; row++) {
      const r = recordAt(row);
      if (!isUint32(r.lockId)) throw new RangeError(`lock id ${r.lockId} is not an integer 0…${UINT32_MAX}`);
      this.ids[row] = r.lockId;
      if (!r.isDel && r.apId !== null) this.behind(r.apId, r.corpId);
      // A fleet's rows mostly repeat the row before's profile: found without a key.
      let p = last !== undefined && sameProfile(this.profiles[last]!, r) ? last : undefined;
      if (p === undefined) {
        const { name, descr, master, deviceVer, firmwareVer, initAt, bindAt, members } = r;
        const profile: Profile = { name, descr, master, deviceVer, firmwareVer, initAt, bindAt, members };
        const key = JSON.stringify(profile);
        p = profileIndex.get(key);
        if (p === undefined && this.profiles.length < PROFILES_MAX) profileIndex.set(key, (p = this.profiles.push(profile) - 1));
        last = p;
      }
      const mac = macKey(r.mac);
      const macCase = r.mac === r.mac.toLowerCase() ? 0 : r.mac === r.mac.toUpperCase() ? MAC_UPPER : undefined;
      const secretCase = LOWER_HEX_SECRET.test(r.secretHex) ? 0 : UPPER_HEX_SECRET.test(r.secretHex) ? SECRET_UPPER : undefined;
      const fits = p !== undefined && mac !== undefined && macCase !== undefined && secretCase !== undefined
        && isUint32(r.corpId) && isUint32(r.seqStart) && (r.apId === null || isUint32(r.apId));
      if (!fits) {
        this.whole.set(row, r);
        continue;
      }
      this.profileOf[row] = p!;
      secrets.write(r.secretHex, row * SECRET_BYTES, SECRET_BYTES, 'hex');
      for (let i = 0; i < MAC_BYTES; i++) this.macs[row * MAC_BYTES + i] = Math.floor(mac! / 2 ** (8 * (MAC_BYTES - 1 - i))) & 0xff;
      this.corpIds[row] = r.corpId;
      this.apIds[row] = r.apId ?? 0;
      this.seqStarts[row] = r.seqStart;
      this.flags[row] = (r.isInit ? INIT : 0) | (r.isBind ? BIND : 0) | (r.isDel ? DEL : 0) | (r.apId === null ? 0 : HAS_AP) | macCase! | secretCase!;
    }
    this.idOrder = ascendingRows(n, (row) => this.ids[row]!);
    for (let k = 1; k < n; k++) {
      if (this.ids[this.idOrder[k]!] === this.ids[this.idOrder[k - 1]!]) throw new RangeError(`lock ${this.ids[this.idOrder[k]!]} is in the registry twice`);
    }
    const keyOf = new Float64Array(n);
    for (let row = 0; row < n; row++) keyOf[row] = this.whole.has(row) ? -1 : this.macAt(row);
    const byMac = ascendingRows(n, (row) => keyOf[row]!);
    this.macRows = byMac.subarray(this.whole.size);
    this.macKeys = Float64Array.from(this.macRows, (row) => keyOf[row]!);
    for (const [row, r] of this.whole) {
      const lower = r.mac.toLowerCase();
      const key = macKey(lower);
      if (this.wholeMacs.has(lower) || (key !== undefined && this.rowOfMacKey(key) >= 0)) throw new RangeError(`MAC ${r.mac} is in the registry twice`);
      this.wholeMacs.set(lower, row);
    }
    for (let k = 1; k < this.macKeys.length; k++) {
      if (this.macKeys[k] === this.macKeys[k - 1]) throw new RangeError(`MAC ${this.macText(this.macRows[k]!)} is in the registry twice`);
    }
  }

  /** How many locks. */
  get size(): number {
    return this.ids.length;
  }

  /** The lock with this id, deleted or not. */
  byId(lockId: number): LockRecord | undefined {
    const k = indexInAscending(this.idOrder.length, (at) => this.ids[this.idOrder[at]!]!, lockId);
    return k < 0 ? undefined : this.record(this.idOrder[k]!);
  }

  /** The lock with this MAC (any case), deleted or not. */
  byMac(mac: string): LockRecord | undefined {
    const key = macKey(mac);
    const k = key === undefined ? -1 : this.rowOfMacKey(key);
    if (k >= 0) return this.record(this.macRows[k]!);
    const row = this.wholeMacs.get(mac.toLowerCase());
    return row === undefined ? undefined : this.record(row);
  }

  /** The corps of the live (not deleted) locks behind gateway `apId`; empty for a gateway with none. */
  corpsOf(apId: number): ReadonlySet<number> {
    return this.corpsBehind.get(apId) ?? new Set();
  }

  /** Every member of every lock, each distinct member object once (the built-in face provider's faces). */
  members(): MemberRecord[] {
    return [...new Set([...this.profiles, ...this.whole.values()].flatMap((r) => r.members))];
  }

  /** The registry as plain data, and the buffers a `postMessage` may transfer. */
  data(): { data: LockRegistryData; transfer: ArrayBuffer[] } {
    const { ids, secrets, macs, corpIds, apIds, seqStarts, flags, profileOf, profiles, whole, idOrder, macKeys, macRows, wholeMacs, corpsBehind } = this;
    const columns = [ids, secrets, macs, corpIds, apIds, seqStarts, flags, profileOf, idOrder, macKeys, macRows];
    return {
      data: { ids, secrets, macs, corpIds, apIds, seqStarts, flags, profileOf, profiles, whole, idOrder, macKeys, macRows, wholeMacs, corpsBehind },
      transfer: columns.map((c) => c.buffer as ArrayBuffer),
    };
  }

  private behind(apId: number, corpId: number): void {
    let corps = this.corpsBehind.get(apId);
    if (!corps) this.corpsBehind.set(apId, (corps = new Set()));
    corps.add(corpId);
  }

  /** The index into `macKeys` of `key`, or -1. */
  private rowOfMacKey(key: number): number {
    return indexInAscending(this.macKeys.length, (at) => this.macKeys[at]!, key);
  }

  private macAt(row: number): number {
    let key = 0;
    for (let i = 0; i < MAC_BYTES; i++) key = key * 256 + this.macs[row * MAC_BYTES + i]!;
    return key;
  }

  /** A compact row's MAC, lower case. */
  private macText(row: number): string {
    const at = row * MAC_BYTES;
    const m = this.macs;
    return `${HEX[m[at]!]}:${HEX[m[at + 1]!]}:${HEX[m[at + 2]!]}:${HEX[m[at + 3]!]}:${HEX[m[at + 4]!]}:${HEX[m[at + 5]!]}`;
  }

  /** Row `row` as a fresh record equal to the one it was made from. */
  private record(row: number): LockRecord {
    const whole = this.whole.get(row);
    if (whole) return whole;
    const f = this.flags[row]!;
    const mac = this.macText(row);
    const secret = Buffer.from(this.secrets.buffer, this.secrets.byteOffset + row * SECRET_BYTES, SECRET_BYTES).toString('hex');
    const { name, descr, master, deviceVer, firmwareVer, initAt, bindAt, members } = this.profiles[this.profileOf[row]!]!;
    return {
      lockId: this.ids[row]!,
      mac: f & MAC_UPPER ? mac.toUpperCase() : mac,
      secretHex: f & SECRET_UPPER ? secret.toUpperCase() : secret,
      corpId: this.corpIds[row]!,
      name, descr, master, deviceVer, firmwareVer,
      isInit: (f & INIT) !== 0,
      isBind: (f & BIND) !== 0,
      isDel: (f & DEL) !== 0,
      initAt, bindAt,
      seqStart: this.seqStarts[row]!,
      members,
      apId: f & HAS_AP ? this.apIds[row]! : null,
    };
  }
}
