/**
 * A lock's own clock (DESIGN §2): an anchored pair (W0, L0); while powered
 * L = L0 + (W − W0)·(1 + ppm·1e-6). Every method takes world time W explicitly: this is a pure
 * state machine with no clock reads of its own.
 */
export class LockClock {
  private w0: number;
  private l0: number;
  private powered = true;
  private _trusted = true;

  constructor(w: number, private ppm = 0, offsetS = 0) {
    this.w0 = w;
    this.l0 = w + offsetS;
  }

  get driftPpm(): number {
    return this.ppm;
  }

  get trusted(): boolean {
    return this._trusted;
  }

  get isPowered(): boolean {
    return this.powered;
  }

  /** Lock time L at world time w. */
  now(w: number): number {
    if (!this.powered) return this.l0;
    return this.l0 + (w - this.w0) * (1 + this.ppm * 1e-6);
  }

  /** Time sync: L becomes t now, and the clock is trusted again. */
  set(w: number, t: number): void {
    this.w0 = w;
    this.l0 = t;
    this._trusted = true;
  }

  /** Change the drift rate from now on (re-anchors so the past is kept). */
  setDrift(w: number, ppm: number): void {
    this.reanchor(w);
    this.ppm = ppm;
  }

  /** Add a step of `s` seconds to L. */
  step(w: number, s: number): void {
    this.reanchor(w);
    this.l0 += s;
  }

  /** Power off freezes L at its current value. */
  powerOff(w: number): void {
    if (!this.powered) return;
    this.reanchor(w);
    this.powered = false;
  }

  /** Power on resumes from the frozen value, so L is now behind by the outage. */
  powerOn(w: number): void {
    if (this.powered) return;
    this.w0 = w;
    this.powered = true;
  }

  /** A reset marks the clock untrusted until the next successful time sync. */
  reset(): void {
    this._trusted = false;
  }

  private reanchor(w: number): void {
    this.l0 = this.now(w);
    this.w0 = w;
  }
}
