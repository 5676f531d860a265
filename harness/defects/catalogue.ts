import { DEFECTS, type DefectName } from '../../sim/defects.ts';

/**
 * The catalogue of seeded defects (DESIGN §9): for each defect of the registry (`sim/defects.ts`,
 * fixture key `defects`) the checks that must catch it. `npm run defects` runs each defect's
 * areas against a world seeded with it and fails unless one of the expected checks fails.
 * Defects marked `runOn: […'lab']` are also (or only) run through the lab target by
 * `bin/lab-check.ts`: `lock-*` and `serial-*` seeded into the serial lock (`--defects`), `link-*`
 * into the harness's link (`LOCKBENCH_LINK_DEFECTS`).
 */

/** How the harness seeds one defect and which checks must catch it. */
export interface DefectPlan {
  /** Check IDs of which at least one must fail. */
  caughtBy: string[];
  /** Which runs seed it: `sim` (the kill matrix of `npm run defects`), `lab` (`bin/lab-check.ts`). Default `['sim']`. */
  runOn?: readonly ('sim' | 'lab')[];
}

/** One catalogue row: the registry's name and what it breaks, with its plan. */
export interface SeededDefect extends DefectPlan {
  name: DefectName;
  what: string;
}

/** Every registry defect with its plan; typed so a missing or misspelt name does not compile. */
const PLANS = {
  'lock-slot-end-inclusive': { caughtBy: ['PWD-05'], runOn: ['sim', 'lab'] },
  'lock-ignores-tolerance': { caughtBy: ['PWD-06'] },
  'lock-drift-wrong-sign': { caughtBy: ['DRIFT-01'] },
  'lock-accepts-replay': { caughtBy: ['TSYNC-02'], runOn: ['sim', 'lab'] },
  'lock-no-lockout': { caughtBy: ['PWD-07', 'V2-05', 'STATE-01'], runOn: ['sim', 'lab'] },
  'lock-battery-never-low': { caughtBy: ['STATE-02'] },
  'lock-user-window-inclusive': { caughtBy: ['V2-01'] },
  'lock-reset-keeps-time': { caughtBy: ['DRIFT-03', 'V2-05'] },
  'lock-power-off-clock-runs': { caughtBy: ['DRIFT-03'] },
  'gateway-double-actuate': { caughtBy: ['GW-04', 'GWP-03'] },
  'gateway-no-will': { caughtBy: ['GW-05', 'GWP-01', 'GWP-05'] },
  'gateway-event-id-reuse': { caughtBy: ['PUSH-02', 'PUSH-03', 'STATE-02', 'GWP-04'] },
  'gateway-status-not-retained': { caughtBy: ['GWP-01'] },
  'gateway-ack-wrong-id': { caughtBy: ['GWP-02'] },
  'gateway-slow-ack': { caughtBy: ['GWP-02'] },
  'gateway-stray-publish': { caughtBy: ['GWP-06'] },
  'gateway-lock-time-out-of-range': { caughtBy: ['GWP-06'] },
  'lock-user-window-ignored': { caughtBy: ['V2-01'] },
  'lock-ignores-time-sync': { caughtBy: ['TSYNC-02', 'LAB-02', 'DRIFT-02'], runOn: ['sim', 'lab'] },
  'serial-no-cache': { caughtBy: ['LAB-03'], runOn: ['lab'] },
  'serial-mute-after-bad-crc': { caughtBy: ['LAB-01'], runOn: ['lab'] },
  'serial-event-lock-time-out-of-range': { caughtBy: ['LAB-01'], runOn: ['lab'] },
  'link-retransmit-new-seq': { caughtBy: ['LAB-03'], runOn: ['lab'] },
  'broker-acl-open': { caughtBy: ['SEC-01'] },
  'broker-anonymous': { caughtBy: ['SEC-01'] },
  'cloud-sign-uppercase': { caughtBy: ['SIGN-02'] },
  'cloud-sign-hourless': { caughtBy: ['SIGN-07'] },
  'cloud-sign-any-hour': { caughtBy: ['SIGN-05'] },
  'cloud-sign-img-code': { caughtBy: ['SIGN-04', 'SEC-02'] },
  'cloud-unknown-lock-200': { caughtBy: ['ENV-04'] },
  'cloud-360-for-362': { caughtBy: ['GW-02'] },
  'cloud-seq-reuse': { caughtBy: ['TSYNC-01'] },
  'cloud-keep-pwd-after-failed-write': { caughtBy: ['V2-04'] },
  'cloud-push-duplicate': { caughtBy: ['GW-04'] },
  'cloud-no-push-retry': { caughtBy: ['PUSH-02'] },
  'cloud-pwd-window-over-ok': { caughtBy: ['PWD-04'] },
  'cloud-no-corp-check': { caughtBy: ['ENV-04'] },
  'cloud-no-face-rate-limit': { caughtBy: ['FACE-04'] },
  'cloud-busy-ignored': { caughtBy: ['GW-03'] },
  // Caught by the api fixture's check of every answer against the target's /openapi.json, in any spec calling state/get.
  'cloud-state-flag-as-string': { caughtBy: ['STATE-01', 'STATE-02'] },
} as const satisfies Record<DefectName, DefectPlan>;

/** In the catalogue's own order (the kill matrix's rows); what each breaks comes from the registry. */
export const CATALOGUE: readonly SeededDefect[] = (Object.keys(PLANS) as DefectName[]).map((name) => ({ name, what: DEFECTS[name].what, ...PLANS[name], caughtBy: [...PLANS[name].caughtBy] }));

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
