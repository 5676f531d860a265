/**
 * The catalogue of seeded defects (issue 4): each names a defect the simulator can be built with
 * (fixture key `defects`) and the checks that must catch it. `npm run defects` runs each defect's
 * areas against a world seeded with it and fails unless one of the expected checks fails.
 * Defects marked `runOn: […'lab']` are also (or only) run through the lab target by
 * `bin/lab-check.ts`: `lock-*` and `serial-*` seeded into the serial lock (`--defects`), `link-*`
 * into the harness's link (`LOCKBENCH_LINK_DEFECTS`).
 */
export interface SeededDefect {
  name: string;
  what: string;
  /** Check IDs of which at least one must fail. */
  caughtBy: string[];
  /** Which runs seed it: `sim` (the kill matrix of `npm run defects`), `lab` (`bin/lab-check.ts`). Default `['sim']`. */
  runOn?: readonly ('sim' | 'lab')[];
}

export const CATALOGUE: readonly SeededDefect[] = [
  { name: 'lock-slot-end-inclusive', what: 'lock accepts a temporary code at its slot end (off by one)', caughtBy: ['PWD-05'], runOn: ['sim', 'lab'] },
  { name: 'lock-ignores-tolerance', what: 'lock ignores its behind/ahead tolerance', caughtBy: ['PWD-06'] },
  { name: 'lock-drift-wrong-sign', what: 'lock clock drifts with the wrong sign', caughtBy: ['DRIFT-01'] },
  { name: 'lock-accepts-replay', what: 'lock accepts a replayed time-sync seq', caughtBy: ['TSYNC-02'], runOn: ['sim', 'lab'] },
  { name: 'lock-no-lockout', what: 'keypad never locks out', caughtBy: ['PWD-07', 'V2-05', 'STATE-01'], runOn: ['sim', 'lab'] },
  { name: 'lock-battery-never-low', what: 'battery never reports low', caughtBy: ['STATE-02'] },
  { name: 'lock-user-window-inclusive', what: 'user password accepted at its window end', caughtBy: ['V2-01'] },
  { name: 'lock-reset-keeps-time', what: 'a reset clock still accepts codes', caughtBy: ['DRIFT-03', 'V2-05'] },
  { name: 'lock-power-off-clock-runs', what: 'clock keeps running while powered off', caughtBy: ['DRIFT-03'] },
  { name: 'gateway-double-actuate', what: 'gateway actuates twice on a redelivered command', caughtBy: ['GW-04', 'GWP-03'] },
  { name: 'gateway-no-will', what: 'gateway connects without a will', caughtBy: ['GW-05', 'GWP-01', 'GWP-05'] },
  { name: 'gateway-event-id-reuse', what: 'gateway reuses one event_id for every event', caughtBy: ['PUSH-02', 'PUSH-03', 'STATE-02', 'GWP-04'] },
  { name: 'gateway-status-not-retained', what: 'gateway publishes its online status without retain', caughtBy: ['GWP-01'] },
  { name: 'gateway-ack-wrong-id', what: 'gateway acks with another id than the command\'s', caughtBy: ['GWP-02'] },
  { name: 'gateway-slow-ack', what: 'gateway acks later than the ack timeout', caughtBy: ['GWP-02'] },
  { name: 'gateway-stray-publish', what: "gateway also publishes on another gateway's topic", caughtBy: ['GWP-06'] },
  { name: 'lock-user-window-ignored', what: 'lock accepts a user password outside its window (through the gateway)', caughtBy: ['V2-01'] },
  { name: 'lock-ignores-time-sync', what: 'lock answers a time sync ok but leaves its clock alone', caughtBy: ['TSYNC-02', 'LAB-02', 'DRIFT-02'], runOn: ['sim', 'lab'] },
  // DESIGN §6 on the serial path: only the lab target has one (TEST-PLAN LAB-03).
  { name: 'serial-no-cache', what: 'serial lock acts again on a repeated seq instead of answering from its cache', caughtBy: ['LAB-03'], runOn: ['lab'] },
  { name: 'link-retransmit-new-seq', what: 'the host link retransmits a request under a fresh seq, so the lock acts twice', caughtBy: ['LAB-03'], runOn: ['lab'] },
  { name: 'broker-acl-open', what: "a gateway may read another gateway's commands", caughtBy: ['SEC-01'] },
  { name: 'broker-anonymous', what: 'broker accepts anonymous clients', caughtBy: ['SEC-01'] },
  { name: 'cloud-sign-uppercase', what: 'cloud accepts uppercase signatures', caughtBy: ['SIGN-02'] },
  { name: 'cloud-sign-hourless', what: 'cloud accepts hour-less signatures', caughtBy: ['SIGN-07'] },
  { name: 'cloud-sign-any-hour', what: 'cloud ignores the hour bucket', caughtBy: ['SIGN-05'] },
  { name: 'cloud-sign-img-code', what: 'cloud signs over img_code', caughtBy: ['SIGN-04', 'SEC-02'] },
  { name: 'cloud-unknown-lock-200', what: 'cloud answers 200 for an unknown lock', caughtBy: ['ENV-04'] },
  { name: 'cloud-360-for-362', what: 'cloud answers 360 where 362 is due', caughtBy: ['GW-02'] },
  { name: 'cloud-seq-reuse', what: 'cloud reuses a time-sync seq', caughtBy: ['TSYNC-01'] },
  { name: 'cloud-keep-pwd-after-failed-write', what: 'cloud keeps a password after a failed write', caughtBy: ['V2-04'] },
  { name: 'cloud-push-duplicate', what: 'cloud pushes twice for a redelivered event', caughtBy: ['GW-04'] },
  { name: 'cloud-no-push-retry', what: 'cloud drops the push retry', caughtBy: ['PUSH-02'] },
  { name: 'cloud-pwd-window-over-ok', what: 'cloud serves a password for a window already over', caughtBy: ['PWD-04'] },
  { name: 'cloud-no-corp-check', what: "cloud lets an app use another corp's lock", caughtBy: ['ENV-04'] },
  { name: 'cloud-no-face-rate-limit', what: 'cloud never rate-limits face attempts', caughtBy: ['FACE-04'] },
  { name: 'cloud-busy-ignored', what: 'cloud sends concurrent commands to one lock', caughtBy: ['GW-03'] },
];

/** The defects `npm run defects` seeds into simulated worlds. */
export const SIM_CATALOGUE: readonly SeededDefect[] = CATALOGUE.filter((d) => (d.runOn ?? ['sim']).includes('sim'));

/** The defects `bin/lab-check.ts` seeds into lab runs (serial lock or link). */
export const LAB_CATALOGUE: readonly SeededDefect[] = CATALOGUE.filter((d) => d.runOn?.includes('lab'));

/** Spec files of each test-plan area. */
export const AREA_SPECS: Readonly<Record<string, string[]>> = {
  SIGN: ['sign.spec.ts'],
  ENV: ['envelope.spec.ts', 'envelope-fields.spec.ts'],
  INFO: ['info.spec.ts'],
  PWD: ['pwd-api.spec.ts', 'pwd-window.spec.ts'],
  DRIFT: ['drift.spec.ts'],
  TSYNC: ['time-sync.spec.ts'],
  GW: ['gateway.spec.ts', 'gateway-realtime.spec.ts'],
  STATE: ['state.spec.ts'],
  V2: ['v2-passwords.spec.ts', 'gateway-protocol.spec.ts', 'gateway-realtime.spec.ts'],
  FACE: ['face.spec.ts'],
  PUSH: ['push.spec.ts', 'gateway-realtime.spec.ts'],
  SEC: ['security.spec.ts'],
  GWP: ['gateway-protocol.spec.ts'],
  LAB: ['lab.spec.ts'],
};

/** The spec files a defect's expected checks live in. */
export function specsOf(d: SeededDefect): string[] {
  return [...new Set(d.caughtBy.flatMap((id) => AREA_SPECS[id.split('-')[0]!] ?? []))];
}
