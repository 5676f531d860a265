/**
 * The one registry of seeded defects (DESIGN §1, §9 "the suite must fail on a broken device"): each
 * name breaks one contract rule in one room, so a check can prove it notices. All are off unless
 * named. Adding a defect touches this table, the one place it acts, and the harness's catalogue
 * (`harness/defects/catalogue.ts`, typed against `DefectName`) — nothing else; `defects.test.ts` checks
 * that each name acts in one production file. Imports nothing.
 */

/** The rooms a defect can act in: the part of the world (or the harness's serial link) it breaks. */
export type DefectRoom = 'lock' | 'gateway' | 'broker' | 'cloud' | 'serial-lock' | 'serial-link';

/** The rooms a simulated world runs (DESIGN §2); the serial ones exist only on the lab path (DESIGN §6). */
export const WORLD_ROOMS: readonly DefectRoom[] = ['lock', 'gateway', 'broker', 'cloud'];

export const DEFECTS = {
  'lock-slot-end-inclusive': { room: 'lock', what: 'lock accepts a temporary code at its slot end (off by one)' },
  'lock-ignores-tolerance': { room: 'lock', what: 'lock ignores its behind/ahead tolerance' },
  'lock-drift-wrong-sign': { room: 'lock', what: 'lock clock drifts with the wrong sign' },
  'lock-accepts-replay': { room: 'lock', what: 'lock accepts a replayed time-sync seq' },
  'lock-no-lockout': { room: 'lock', what: 'keypad never locks out' },
  'lock-battery-never-low': { room: 'lock', what: 'battery never reports low' },
  'lock-user-window-inclusive': { room: 'lock', what: 'user password accepted at its window end' },
  'lock-user-window-ignored': { room: 'lock', what: 'lock accepts a user password outside its window (through the gateway)' },
  'lock-reset-keeps-time': { room: 'lock', what: 'a reset clock still accepts codes' },
  'lock-power-off-clock-runs': { room: 'lock', what: 'clock keeps running while powered off' },
  'lock-ignores-time-sync': { room: 'lock', what: 'lock answers a time sync ok but leaves its clock alone' },
  'gateway-double-actuate': { room: 'gateway', what: 'gateway actuates twice on a redelivered command' },
  'gateway-no-will': { room: 'gateway', what: 'gateway connects without a will' },
  'gateway-event-id-reuse': { room: 'gateway', what: 'gateway reuses one event_id for every event' },
  'gateway-status-not-retained': { room: 'gateway', what: 'gateway publishes its online status without retain' },
  'gateway-ack-wrong-id': { room: 'gateway', what: "gateway acks with another id than the command's" },
  'gateway-slow-ack': { room: 'gateway', what: 'gateway acks later than the ack timeout' },
  'gateway-stray-publish': { room: 'gateway', what: "gateway also publishes on another gateway's topic" },
  'gateway-lock-time-out-of-range': { room: 'gateway', what: 'gateway sends unlock events with lock_time 1e300' },
  'broker-acl-open': { room: 'broker', what: "a gateway may read another gateway's commands" },
  'broker-anonymous': { room: 'broker', what: 'broker accepts anonymous clients' },
  'cloud-sign-uppercase': { room: 'cloud', what: 'cloud accepts uppercase signatures' },
  'cloud-sign-hourless': { room: 'cloud', what: 'cloud accepts hour-less signatures' },
  'cloud-sign-any-hour': { room: 'cloud', what: 'cloud ignores the hour bucket' },
  'cloud-sign-img-code': { room: 'cloud', what: 'cloud signs over img_code' },
  'cloud-unknown-lock-200': { room: 'cloud', what: 'cloud answers 200 for an unknown lock' },
  'cloud-360-for-362': { room: 'cloud', what: 'cloud answers 360 where 362 is due' },
  'cloud-seq-reuse': { room: 'cloud', what: 'cloud reuses a time-sync seq' },
  'cloud-keep-pwd-after-failed-write': { room: 'cloud', what: 'cloud keeps a password after a failed write' },
  'cloud-push-duplicate': { room: 'cloud', what: 'cloud pushes twice for a redelivered event' },
  'cloud-no-push-retry': { room: 'cloud', what: 'cloud drops the push retry' },
  'cloud-pwd-window-over-ok': { room: 'cloud', what: 'cloud serves a password for a window already over' },
  'cloud-no-corp-check': { room: 'cloud', what: "cloud lets an app use another corp's lock" },
  'cloud-no-face-rate-limit': { room: 'cloud', what: 'cloud never rate-limits face attempts' },
  'cloud-busy-ignored': { room: 'cloud', what: 'cloud sends concurrent commands to one lock' },
  'cloud-state-flag-as-string': { room: 'cloud', what: 'cloud answers state/get with low_voltage as a string ("false"), off its OpenAPI document' },
  // DESIGN §6 on the serial path: only the lab target has one (TEST-PLAN LAB-03).
  'serial-no-cache': { room: 'serial-lock', what: 'serial lock acts again on a repeated seq instead of answering from its cache' },
  'serial-mute-after-bad-crc': { room: 'serial-lock', what: 'serial lock stops answering after a frame with a bad CRC instead of resynchronising' },
  'serial-event-lock-time-out-of-range': { room: 'serial-lock', what: 'serial lock sends its unlock events with lock_time 1e300 (beyond uint32 and the date range)' },
  'link-retransmit-new-seq': { room: 'serial-link', what: 'the host link retransmits a request under a fresh seq, so the lock acts twice' },
} as const satisfies Record<string, { room: DefectRoom; what: string }>;

/** The name of one seeded defect. */
export type DefectName = keyof typeof DEFECTS;

/** The defects of one room: what that room's predicate accepts. */
export type DefectOf<R extends DefectRoom> = { [N in DefectName]: (typeof DEFECTS)[N]['room'] extends R ? N : never }[DefectName];

export type LockDefect = DefectOf<'lock'>;
export type GatewayDefect = DefectOf<'gateway'>;
export type CloudDefect = DefectOf<'cloud'>;

/** Every defect name, in registry order. */
export const DEFECT_NAMES = Object.keys(DEFECTS) as DefectName[];

/** The names of one room's defects, in registry order (for help texts and tests). */
export function defectsOfRoom<R extends DefectRoom>(room: R): DefectOf<R>[] {
  return DEFECT_NAMES.filter((n): n is DefectOf<R> => DEFECTS[n].room === room);
}

/** Whether `name` is in the registry (own keys only: `toString` is no defect). */
export function isDefectName(name: string): name is DefectName {
  return Object.hasOwn(DEFECTS, name);
}

/**
 * A defect name refused: unknown to the registry, or (for an input that seeds only some rooms) of
 * another room. `where` names the input it came from — a JSON path (`$.defects[2]`), a flag
 * (`--defects`) or a variable (`LOCKBENCH_LINK_DEFECTS`) — since a typo would otherwise silently
 * test nothing.
 */
export class UnknownDefectError extends Error {
  /** The message without `where`, e.g. `unknown defect "lock-typo" (known: …)`. */
  readonly reason: string;

  constructor(readonly where: string, readonly defect: string, rooms?: readonly DefectRoom[]) {
    const reason = isDefectName(defect) && rooms
      ? `defect "${defect}" acts in the ${DEFECTS[defect].room} room; this input seeds ${rooms.join(', ')} (known: ${defectsOfRooms(rooms).join(', ')})`
      : `unknown defect "${defect}" (known: ${defectsOfRooms(rooms).join(', ')})`;
    super(`${where}: ${reason}`);
    this.name = 'UnknownDefectError';
    this.reason = reason;
  }
}

function defectsOfRooms(rooms: readonly DefectRoom[] | undefined): DefectName[] {
  return DEFECT_NAMES.filter((n) => rooms === undefined || rooms.includes(DEFECTS[n].room));
}

/**
 * The one validation: every name must be in the registry and, when `rooms` is given, of one of
 * those rooms. `where(i)` names the i-th input. Returns every refusal, so an input with several
 * typos is told about all of them at once.
 */
export function defectProblems(names: readonly string[], where: (i: number) => string, rooms?: readonly DefectRoom[]): UnknownDefectError[] {
  const accepted = (n: string): boolean => isDefectName(n) && (rooms === undefined || rooms.includes(DEFECTS[n].room));
  return names.flatMap((n, i) => (accepted(n) ? [] : [new UnknownDefectError(where(i), n, rooms)]));
}

/** `defectProblems`, throwing the first refusal. */
export function checkDefects(names: readonly string[], where: (i: number) => string, rooms?: readonly DefectRoom[]): DefectName[] {
  const [problem] = defectProblems(names, where, rooms);
  if (problem) throw problem;
  return names as DefectName[];
}

/** A comma-separated list (a CLI flag's or a variable's value) checked against the registry. */
export function parseDefectList(csv: string, where: string, rooms?: readonly DefectRoom[]): DefectName[] {
  return checkDefects(csv.split(',').map((d) => d.trim()).filter(Boolean), () => where, rooms);
}

/** What a room asks: whether one of its own defects is switched on. */
export interface RoomDefects<R extends DefectRoom> {
  has(defect: DefectOf<R>): boolean;
}

/**
 * The predicate of one room over the defects switched on. Other rooms' names are ignored (a world
 * hands one list to every part); an unknown name is refused.
 */
export function roomDefects<R extends DefectRoom>(room: R, names: readonly string[] = [], where = 'defects'): RoomDefects<R> {
  const on = new Set<DefectName>(checkDefects(names, (i) => `${where}[${i}]`).filter((n) => DEFECTS[n].room === room));
  return { has: (d) => on.has(d) };
}

/** The methods of `T`: the contract steps a defect may wrap. */
export type StepOf<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T];

/**
 * How a defect acts on a part: the part computes the contract, and the defect wraps one of its steps
 * for this instance only (`wrap` gets the contract step, bound, and returns the step the part runs
 * from then on). The part's own calls (`this.step()`) go through the wrapped step too, so a part
 * names no defect and a new defect needs no flag in it.
 */
export function wrapStep<T extends object, K extends StepOf<T>>(part: T, step: K, wrap: (contract: T[K]) => T[K]): void {
  const contract = (part[step] as (...args: unknown[]) => unknown).bind(part) as T[K];
  Object.defineProperty(part, step, { value: wrap(contract), configurable: true, writable: true });
}

/** Where each defect of one room acts on that room's parts; typed over all of them, so a new one must say. */
export type WhereActs<R extends DefectRoom, P> = { [D in DefectOf<R>]: (parts: P) => void };

/** Let the defects switched on act on `parts`, in registry order. */
export function seedParts<R extends DefectRoom, P>(room: R, on: RoomDefects<R>, acts: WhereActs<R, P>, parts: P): void {
  for (const d of defectsOfRoom(room)) if (on.has(d)) acts[d](parts);
}
