const DAY_S = 86_400;

/** The battery settings of a LockSpec (DESIGN §5.4), in percent. */
export interface BatteryConfig {
  lowBatteryPct: number;
  cutoffPct: number;
  unlockCostPct: number;
  idleDrainPctPerDay: number;
}

/**
 * A lock battery: drains with world time while powered and per motor actuation, never below 0.
 * It remembers the low_voltage value last reported so a change is reported exactly once.
 */
export class Battery {
  private pctValue: number;
  private lastW: number;
  /** The low_voltage value last reported; null until the owner's first look (`takeLowChange`). */
  private reportedLow: boolean | null = null;

  constructor(pct: number, w: number, private readonly cfg: BatteryConfig) {
    this.pctValue = clampPct(pct);
    this.lastW = w;
  }

  /** Charge in percent (unrounded). */
  get pct(): number {
    return this.pctValue;
  }

  /** DESIGN §5.4: low_voltage = below low_battery_pct. */
  isLow(): boolean {
    return this.pctValue < this.cfg.lowBatteryPct;
  }

  /** Below cut-off the motor refuses (`low_battery`). */
  get canActuate(): boolean {
    return this.pctValue >= this.cfg.cutoffPct;
  }

  /** Apply idle drain for the world time elapsed since the last call, if powered. */
  drainTo(w: number, powered: boolean): void {
    // A world re-wound by a test gives no charge back: only forward time drains.
    if (powered && w > this.lastW) {
      this.pctValue = clampPct(this.pctValue - (this.cfg.idleDrainPctPerDay * (w - this.lastW)) / DAY_S);
    }
    this.lastW = w;
  }

  /** One motor actuation. */
  actuate(): void {
    this.pctValue = clampPct(this.pctValue - this.cfg.unlockCostPct);
  }

  /** Replace the charge (control API); drain restarts from world time w. */
  set(pct: number, w: number): void {
    if (!Number.isFinite(pct) || pct < 0 || pct > 100) throw new RangeError('battery_pct must be a number in 0..100');
    this.pctValue = pct;
    this.lastW = w;
  }

  /**
   * The new low_voltage value if it changed since last reported (and marks it reported), else null.
   * The first look only records the value: a lock starting low has nothing to report.
   */
  takeLowChange(): boolean | null {
    const low = this.isLow();
    const changed = this.reportedLow !== null && low !== this.reportedLow;
    this.reportedLow = low;
    return changed ? low : null;
  }
}

function clampPct(pct: number): number {
  return Math.min(100, Math.max(0, pct));
}

/** Battery percent with one decimal, rounded down so a low battery never reads as the threshold (DESIGN §3.4 `remain`). */
export function pctOneDecimal(pct: number): number {
  // Round to 1e-6 first so float noise (19.9 → 198.99999…) does not lose a tenth.
  return Math.floor(Math.round(pct * 1e6) / 1e5) / 10;
}

/** Battery percent with two decimals, the resolution of one actuation (0.01). */
export function pctTwoDecimals(pct: number): number {
  return Math.round(pct * 100) / 100;
}
