/**
 * The lab sweep (`npm run conformance:lab -- --sweep N [--seed S]`): N correct lockwire locks drawn
 * from the contract's freedoms (`sim/variants/lock.ts`), each a separate `serial-lock --variant SEED`
 * process on real time, must pass; each lab-run seeded defect, applied on top of a drawn variant that
 * can show it, must be caught. A failing variant is replayed by its seed alone (`--variant SEED`).
 */
import { randomInt } from 'node:crypto';
import type { SeededDefect } from '../harness/defects/catalogue.ts';
import { describeVariant } from '../sim/variants/freedom.ts';
import { drawLockVariant, LOCK_FREEDOMS, type LockVariant } from '../sim/variants/lock.ts';

export interface SweepVariant {
  seed: number;
  variant: LockVariant;
  line: string;
  /** serial-lock flags that make the device this variant. */
  deviceFlags: string[];
  /** What the bench declares of the device (DESIGN §5.4: the harness is told the lockout). */
  env: Record<string, string>;
}

/** The seed a sweep starts from when none is given: fresh each run, printed so a run replays. */
export function freshSeed(): number {
  return randomInt(0, 2 ** 31);
}

export function sweepVariant(seed: number): SweepVariant {
  const { variant } = drawLockVariant(seed);
  const line = `variant ${seed}: ${describeVariant(LOCK_FREEDOMS, variant)}`;
  return {
    seed, variant, line,
    deviceFlags: ['--time', 'running', '--variant', String(seed)],
    env: {
      LOCKBENCH_LOCK_LOCKOUT_ATTEMPTS: String(variant.lockoutAttempts),
      LOCKBENCH_LOCK_LOCKOUT_S: String(variant.lockoutS),
      LOCKBENCH_VARIANT: line,
    },
  };
}

/** The N variants of a sweep from `seed`: seeds seed, seed + 1, … (each replays alone). */
export function sweepVariants(seed: number, n: number): SweepVariant[] {
  return Array.from({ length: n }, (_, i) => sweepVariant((seed + i) >>> 0));
}

/**
 * Whether a variant can show a defect: the checks that catch it need what the device offers
 * (TEST-PLAN LAB-03 a `sim` device; the clock-placing checks a `clock`).
 */
export function canShow(v: LockVariant, d: SeededDefect): boolean {
  const needsSim = d.caughtBy.includes('LAB-03');
  const needsClock = d.caughtBy.some((id) => ['PWD-05', 'PWD-07', 'TSYNC-02', 'LAB-02'].includes(id));
  return (!needsSim || v.caps.sim) && (!needsClock || v.caps.clock);
}

/** For each defect, the first variant (the sweep's own first, then further draws) that can show it. */
export function defectVariants(defects: readonly SeededDefect[], sweep: readonly SweepVariant[], seed: number): Map<string, SweepVariant> {
  const out = new Map<string, SweepVariant>();
  for (const [i, d] of defects.entries()) {
    const own = [...sweep.slice(i % Math.max(1, sweep.length)), ...sweep].find((v) => canShow(v.variant, d));
    if (own) {
      out.set(d.name, own);
      continue;
    }
    for (let k = 0; k < 64; k++) {
      const v = sweepVariant((seed + 1000 + i * 64 + k) >>> 0);
      if (canShow(v.variant, d)) {
        out.set(d.name, v);
        break;
      }
    }
  }
  return out;
}
