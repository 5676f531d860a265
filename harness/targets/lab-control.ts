import type { APIRequestContext } from '@playwright/test';
import type { WireLog } from '../client/wire-log.ts';
import { ControlClient } from './control-client.ts';
import type { LabSession } from './lab.ts';
import type { GatewayKnobs, InboxPush, LockKnobs, TargetControl } from './session.ts';

/**
 * TargetControl of a lab bench: world time, gateway and pushes through the embedded world's control
 * API; the lock through lockwire. Moving time marks the lock's clock stale; it is synced (via the
 * cloud's keys and `ble_time_sync`) before the lock or the API is next used — unless the test carries
 * keys to the lock itself, which takes the clock over.
 */
export class LabControl implements TargetControl {
  private readonly world: ControlClient;

  constructor(private readonly lab: LabSession, request: APIRequestContext, wire: WireLog) {
    this.world = new ControlClient(request, lab.world.urls.control, wire);
  }

  async now(): Promise<number> {
    await this.lab.syncLock();
    return this.lab.world.clock.now();
  }
  async advance(seconds: number): Promise<number> {
    const t = await this.world.advance(seconds);
    this.lab.markStale(true);
    return t;
  }
  async setTime(unix: number): Promise<number> {
    const t = await this.world.setTime(unix);
    this.lab.markStale(true);
    return t;
  }
  async lockState(lockId: number): Promise<Record<string, unknown>> {
    await this.lab.syncLock();
    const c = await this.lab.link.clockGet(3000);
    if (!c.ok) throw new Error(`lab: clock_get answered ${c.result}`);
    return { lock_id: lockId, lock_time: c.lock_time, trusted: c.trusted };
  }
  async setLock(lockId: number, knobs: LockKnobs): Promise<Record<string, unknown>> {
    const sims: [keyof LockKnobs, () => Promise<unknown>][] = [
      ['battery_pct', () => this.lab.link.sim('battery', { battery_pct: knobs.battery_pct })],
      ['tamper', () => this.lab.link.sim('tamper', { on: knobs.tamper })],
      ['jammed', () => this.lab.link.sim('jam', { on: knobs.jammed })],
      ['drift_ppm', () => this.lab.link.sim('drift', { ppm: knobs.drift_ppm })],
      ['reset_clock', () => {
        // An untrusted clock is the test's subject now: syncing it to world time would undo the reset.
        this.lab.takeClock();
        return this.lab.link.sim('reset_clock');
      }],
    ];
    for (const k of Object.keys(knobs)) if (!sims.some(([n]) => n === k)) throw new Error(`lab: the lock knob ${k} cannot be set over lockwire`);
    for (const [k, apply] of sims) if (knobs[k] !== undefined) await apply();
    return this.lockState(lockId);
  }
  async keypad(_lockId: number, password: string): Promise<string> {
    await this.lab.syncLock();
    return this.lab.link.keypad(password, 3000);
  }
  async bleUnlock(_lockId: number, uid: number): Promise<string> {
    await this.lab.syncLock();
    return this.lab.link.bleUnlock(uid, 3000);
  }
  async bleTimeSync(_lockId: number, keys: { seq: number; key1: number; key2: number }) {
    // The test carries keys itself: the lock's clock is now the test's business.
    this.lab.markStale(false);
    return this.lab.link.bleTimeSync(keys.seq, keys.key1, keys.key2, 3000);
  }
  setGateway(apId: number, knobs: GatewayKnobs) {
    return this.world.setGateway(apId, knobs);
  }
  pushes(): Promise<InboxPush[]> {
    return this.world.pushes();
  }
  failPushes(count: number, status?: number): Promise<void> {
    return this.world.failPushes(count, status);
  }
}
