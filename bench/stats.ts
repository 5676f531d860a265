/** Shared shapes and arithmetic of the benchmark report (`reports/bench.json`): one `BenchResult` per figure. */

/** A raw figure measured in the same run that a result is compared against. */
export interface Baseline {
  name: string;
  value: number;
  unit: string;
}

/** One row of `reports/bench.json`. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline: Baseline | null;
  /** value / baseline.value, or null without a baseline. */
  ratio: number | null;
  /** Human-readable target, e.g. "≤ 2× baseline"; empty when the figure is informational. */
  target: string;
  /** Whether the target is met; null when there is no target or it could not be judged. */
  met: boolean | null;
}

/** A comparison a target makes: the figure must be at most / at least `limit` (of the ratio or the value). */
export type Goal = { on: 'ratio' | 'value'; atMost: number } | { on: 'ratio' | 'value'; atLeast: number };

/** Build a result row; `met` follows from the goal (null when there is none or the input is not finite). */
export function result(name: string, value: number, unit: string, baseline: Baseline | null = null, goal?: Goal, target = ''): BenchResult {
  const ratio = baseline && baseline.value !== 0 ? value / baseline.value : null;
  let met: boolean | null = null;
  if (goal) {
    const x = goal.on === 'ratio' ? ratio : value;
    if (x !== null && Number.isFinite(x)) met = 'atMost' in goal ? x <= goal.atMost : x >= goal.atLeast;
  }
  return { name, value: round(value), unit, baseline: baseline && { ...baseline, value: round(baseline.value) }, ratio: ratio === null ? null : round(ratio), target, met };
}

/** Round to 4 significant-ish decimals so the JSON stays readable. */
export function round(x: number): number {
  if (!Number.isFinite(x)) return x;
  return Math.abs(x) >= 100 ? Math.round(x * 10) / 10 : Math.round(x * 10000) / 10000;
}

/** The q-quantile (0..1) of samples by nearest rank; NaN for no samples. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** p50 and p99 of latency samples in ms. */
export function percentiles(samples: readonly number[]): { p50: number; p99: number; n: number } {
  return { p50: quantile(samples, 0.5), p99: quantile(samples, 0.99), n: samples.length };
}

/** Elapsed ms since `t0` (performance.now based). */
export function since(t0: number): number {
  return performance.now() - t0;
}
