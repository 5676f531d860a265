import { performance } from 'node:perf_hooks';

/**
 * One timer for every lean MQTT client of the process (DESIGN §13 memory per gateway session): a fleet's
 * thousands of keep-alives, connect timeouts and reconnect delays wait in one binary heap of deadlines,
 * and one Node timer is armed for the earliest. Transport timing is real time (DESIGN §2), read from the
 * monotonic clock.
 */

/** Something with at most one deadline at a time. */
export interface Deadline {
  /** When it is due (`transportNow()` ms), or -1 for none. */
  dueAt: number;
  /** Called once `dueAt` has passed (with `dueAt` already cleared to -1). */
  due(now: number): void;
}

/** The monotonic clock transport deadlines are on, ms. */
export function transportNow(): number {
  return performance.now();
}

/**
 * The heap holds (time, owner) pairs in two arrays; an owner whose `dueAt` moved leaves its old entry,
 * skipped when it surfaces, so moving a deadline costs one push and no search.
 */
const times: number[] = [];
const owners: Deadline[] = [];
/** Owners with a deadline now: when none is left the heap is dropped and the timer stopped, so a process can exit. */
let armedOwners = 0;
let timer: ReturnType<typeof setTimeout> | null = null;
let timerAt = Infinity;

/** Set (or move) `owner`'s deadline to `at`; -1 clears it. */
export function setDeadline(owner: Deadline, at: number): void {
  if (owner.dueAt === at) return;
  if (owner.dueAt === -1) armedOwners++;
  if (at === -1) armedOwners--;
  owner.dueAt = at;
  if (armedOwners === 0) return reset();
  if (at === -1) return;
  push(at, owner);
  if (at < timerAt) arm(at);
}

function reset(): void {
  times.length = 0;
  owners.length = 0;
  if (timer) clearTimeout(timer);
  timer = null;
  timerAt = Infinity;
}

function arm(at: number): void {
  if (timer) clearTimeout(timer);
  timerAt = at;
  timer = setTimeout(fire, Math.max(0, Math.ceil(at - transportNow())));
}

function fire(): void {
  timer = null;
  timerAt = Infinity;
  const now = transportNow();
  while (times.length > 0 && times[0]! <= now) {
    const at = times[0]!;
    const owner = pop();
    // A stale entry: the owner's deadline moved or was cleared since.
    if (owner.dueAt !== at) continue;
    owner.dueAt = -1;
    armedOwners--;
    owner.due(now);
  }
  if (armedOwners === 0) return reset();
  if (times.length > 0 && times[0]! < timerAt) arm(times[0]!);
}

function push(at: number, owner: Deadline): void {
  let i = times.length;
  times.push(at);
  owners.push(owner);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (times[parent]! <= at) break;
    times[i] = times[parent]!;
    owners[i] = owners[parent]!;
    i = parent;
  }
  times[i] = at;
  owners[i] = owner;
}

function pop(): Deadline {
  const top = owners[0]!;
  const lastAt = times.pop()!;
  const last = owners.pop()!;
  const n = times.length;
  if (n === 0) return top;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    const r = l + 1;
    const c = r < n && times[r]! < times[l]! ? r : l;
    if (times[c]! >= lastAt) break;
    times[i] = times[c]!;
    owners[i] = owners[c]!;
    i = c;
  }
  times[i] = lastAt;
  owners[i] = last;
  return top;
}
