import { isUint32 } from '../protocol/uint.ts';
import { toLockOp, type DeviceInfo, type JsonObject, type WireAnswer, type WireRequest } from '../protocol/lockwire.ts';
import type { LockFirmware } from '../lock/types.ts';

/** The simulation knobs a virtual lock offers through the `sim_*` ops (DESIGN §6). */
export interface SimKnobs {
  setBattery(pct: number): unknown;
  setTamper(on: boolean): unknown;
  setJammed(on: boolean): unknown;
  setDrift(ppm: number): unknown;
  resetClock(): unknown;
}

/** Everything a lockwire request may reach on the device. */
export interface LockDevice {
  lock: LockFirmware;
  /** Present only on a virtual lock: enables `sim_*` ops and the `"sim"` capability. */
  knobs?: SimKnobs;
  mac: string;
  firmwareVer: string;
  /** Which optional ops the device offers (DESIGN §6 `caps`); one it lacks answers `{"result": "error"}`. Default both. */
  caps?: { ble: boolean; clock: boolean };
}

type Handler = (device: LockDevice, args: JsonObject) => WireAnswer;

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const refuse = (reason: string): WireAnswer => ({ result: 'error', data: { reason } });
const done = (result: WireAnswer['result'], data: JsonObject = {}): WireAnswer => ({ result, data });

/** What `info` reports (DESIGN §6). */
export function deviceInfo(device: LockDevice): DeviceInfo {
  // DESIGN §6: `ble` names `ble_unlock`, `clock` names `clock_get`; a device may lack either.
  const caps = ['keypad', ...(device.caps?.ble ?? true ? ['ble'] : []), 'time_sync', ...(device.caps?.clock ?? true ? ['clock'] : [])];
  if (device.knobs) caps.push('sim');
  return { lock_id: device.lock.lockId, mac: device.mac, firmware_ver: device.firmwareVer, caps };
}

/** A `sim_*` op: refused on a device without knobs, else apply and answer the new state. */
function knob(apply: (knobs: SimKnobs, args: JsonObject) => string | undefined): Handler {
  return (device, args) => {
    if (!device.knobs) return refuse('no sim capability');
    const problem = apply(device.knobs, args);
    return problem ? refuse(problem) : done('ok', { ...device.lock.state() });
  };
}

/** Device ops beyond the §4 gateway ops, one handler each (DESIGN §6). */
const DEVICE_OPS: Record<string, Handler> = {
  info: (device) => done('ok', { ...deviceInfo(device) }),
  keypad: (device, a) => (typeof a.password === 'string' ? done(device.lock.keypad(a.password)) : refuse('password must be a string')),
  ble_unlock: (device, a) => (isUint32(a.uid) ? done(device.lock.bleUnlock(a.uid)) : refuse('uid must be a uint32')),
  ble_time_sync: (device, a) => {
    if (!isUint32(a.seq) || !isUint32(a.key1) || !isUint32(a.key2)) return refuse('seq, key1, key2 must be uint32');
    const r = device.lock.bleTimeSync(a.seq, a.key1, a.key2);
    return done(r.result, { lock_time: r.lock_time });
  },
  clock_get: (device) => done('ok', { ...device.lock.clockInfo() }),
  sim_battery: knob((k, a) => {
    if (!isNum(a.battery_pct) || a.battery_pct < 0 || a.battery_pct > 100) return 'battery_pct must be 0…100';
    k.setBattery(a.battery_pct);
    return undefined;
  }),
  sim_tamper: knob((k, a) => {
    if (typeof a.on !== 'boolean') return 'on must be a boolean';
    k.setTamper(a.on);
    return undefined;
  }),
  sim_jam: knob((k, a) => {
    if (typeof a.on !== 'boolean') return 'on must be a boolean';
    k.setJammed(a.on);
    return undefined;
  }),
  sim_drift: knob((k, a) => {
    if (!isNum(a.ppm)) return 'ppm must be a number';
    k.setDrift(a.ppm);
    return undefined;
  }),
  sim_reset_clock: knob((k) => {
    k.resetClock();
    return undefined;
  }),
};

/**
 * Act on one request and say what to answer. A request naming another lock id is refused:
 * the port reaches exactly one lock.
 */
export function answerRequest(device: LockDevice, req: WireRequest): WireAnswer {
  if (req.lockId !== undefined && req.lockId !== device.lock.lockId) return refuse('lock_id is not this lock');
  const op = toLockOp(req, device.lock.lockId);
  if (typeof op === 'string') return refuse(op);
  if (op) {
    const a = device.lock.execute(op);
    return { result: a.result, data: a.data };
  }
  if ((req.op === 'ble_unlock' && !(device.caps?.ble ?? true)) || (req.op === 'clock_get' && !(device.caps?.clock ?? true))) return refuse(`no ${req.op}`);
  const handler = Object.hasOwn(DEVICE_OPS, req.op) ? DEVICE_OPS[req.op] : undefined;
  return handler ? handler(device, req.args) : refuse(`unknown op ${req.op}`);
}
