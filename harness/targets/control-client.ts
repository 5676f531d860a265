import type { APIRequestContext } from '@playwright/test';
import type { WireLog } from '../client/wire-log.ts';
import type { GatewayKnobs, InboxPush, LockKnobs, TargetControl } from './session.ts';

/** TargetControl over the simulator's control API (DESIGN §8), every call recorded in the wire log. */
export class ControlClient implements TargetControl {
  constructor(private readonly request: APIRequestContext, private readonly base: string, private readonly wire: WireLog) {}

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await this.request.fetch(`${this.base}${path}`, {
      method,
      data: body === undefined ? undefined : JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
      failOnStatusCode: false,
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : null;
    this.wire.add('control', `${method} ${path} → ${res.status()}`, body === undefined ? parsed : { request: body, response: parsed });
    if (res.status() !== 200) throw new Error(`control ${method} ${path} answered ${res.status()}: ${text}`);
    return parsed as T;
  }

  async now(): Promise<number> {
    return (await this.call<{ time: number }>('GET', '/world')).time;
  }
  async advance(seconds: number): Promise<number> {
    return (await this.call<{ time: number }>('POST', '/clock', { advance: seconds })).time;
  }
  async setTime(unix: number): Promise<number> {
    return (await this.call<{ time: number }>('POST', '/clock', { set: unix })).time;
  }
  lockState(lockId: number) {
    return this.call<Record<string, unknown>>('GET', `/locks/${lockId}`);
  }
  setLock(lockId: number, knobs: LockKnobs) {
    return this.call<Record<string, unknown>>('POST', `/locks/${lockId}`, knobs);
  }
  async keypad(lockId: number, password: string): Promise<string> {
    return (await this.call<{ result: string }>('POST', `/locks/${lockId}/keypad`, { password })).result;
  }
  async bleUnlock(lockId: number, uid: number): Promise<string> {
    return (await this.call<{ result: string }>('POST', `/locks/${lockId}/ble/unlock`, { uid })).result;
  }
  bleTimeSync(lockId: number, keys: { seq: number; key1: number; key2: number }) {
    return this.call<{ result: string; lock_time: number }>('POST', `/locks/${lockId}/ble/time_sync`, keys);
  }
  setGateway(apId: number, knobs: GatewayKnobs) {
    return this.call<Record<string, unknown>>('POST', `/gateways/${apId}`, knobs);
  }
  pushes(): Promise<InboxPush[]> {
    return this.call<InboxPush[]>('GET', '/push');
  }
  async failPushes(count: number, status = 500): Promise<void> {
    await this.call('POST', '/push/faults', { fail_next: count, status });
  }
}

/** TargetControl of a target that controls nothing: every call explains itself. */
export class NoControl implements TargetControl {
  constructor(private readonly target: string) {}
  private no(what: string): never {
    throw new Error(`target "${this.target}" cannot ${what}; the spec should have declared its needs`);
  }
  now(): Promise<number> {
    return Promise.resolve(Date.now() / 1000);
  }
  advance(): Promise<number> { return this.no('move time'); }
  setTime(): Promise<number> { return this.no('set time'); }
  lockState(): Promise<Record<string, unknown>> { return this.no('read lock state'); }
  setLock(): Promise<Record<string, unknown>> { return this.no('control locks'); }
  keypad(): Promise<string> { return this.no('type on the keypad'); }
  bleUnlock(): Promise<string> { return this.no('unlock over Bluetooth'); }
  bleTimeSync(): Promise<{ result: string; lock_time: number }> { return this.no('sync the lock over Bluetooth'); }
  setGateway(): Promise<Record<string, unknown>> { return this.no('control gateways'); }
  pushes(): Promise<InboxPush[]> { return this.no('read pushes'); }
  failPushes(): Promise<void> { return this.no('make pushes fail'); }
}
