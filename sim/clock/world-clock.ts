/** A source of real elapsed milliseconds, injected so the world clock never reads time itself. */
export type RealMs = () => number;

export type ClockMode = 'frozen' | 'running';

/** A clock that code reads world time from (DESIGN §2). */
export interface Clock {
  /** World time W in unix seconds (fractional allowed). */
  now(): number;
}

type Listener = (w: number) => void;

/**
 * The one reference time of a simulated world. Frozen: moves only on `advance`/`set`.
 * Running: follows real time × rate from the moment it was set.
 */
export class WorldClock implements Clock {
  private anchorW: number;
  private anchorReal = 0;
  private rate = 1;
  private _mode: ClockMode = 'frozen';
  private readonly listeners = new Set<Listener>();

  constructor(startS: number, private readonly realMs: RealMs = () => performance.now()) {
    this.anchorW = startS;
  }

  get mode(): ClockMode {
    return this._mode;
  }

  now(): number {
    if (this._mode === 'frozen') return this.anchorW;
    return this.anchorW + ((this.realMs() - this.anchorReal) / 1000) * this.rate;
  }

  /** Move world time forward by `seconds` (≥ 0). */
  advance(seconds: number): number {
    if (!(seconds >= 0) || !Number.isFinite(seconds)) throw new RangeError('advance must be a finite number ≥ 0');
    return this.set(this.now() + seconds);
  }

  /** Jump world time to `unixS` (may go backwards: a world is allowed to be re-wound by a test). */
  set(unixS: number): number {
    if (!Number.isFinite(unixS) || unixS < 0) throw new RangeError('set must be a finite unix time ≥ 0');
    this.anchorW = unixS;
    this.anchorReal = this.realMs();
    this.emit();
    return this.anchorW;
  }

  /** Follow real time × rate from now on. */
  run(rate = 1): void {
    if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError('rate must be a finite number > 0');
    this.anchorW = this.now();
    this.anchorReal = this.realMs();
    this.rate = rate;
    this._mode = 'running';
  }

  /** Stop following real time; W stays where it is. */
  freeze(): void {
    this.anchorW = this.now();
    this._mode = 'frozen';
  }

  /** Called after every explicit move (advance/set), so models can react to jumps in time. */
  onMove(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const l of this.listeners) l(this.anchorW);
  }
}
