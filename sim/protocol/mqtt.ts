import { isUint32, isUint32Id } from './uint.ts';
import { LOCK_RESULTS, type LockResult, type UnlockMode } from './results.ts';

/** Topic root of one gateway (DESIGN §4). */
export const TOPIC_ROOT = 'kexin/v1/gw';

export type GatewayTopic = 'status' | 'cmd' | 'ack' | 'event';

/**
 * A world's namespace on a shared broker (DESIGN §13): one topic level put before §4's root and into
 * client ids, so worlds on one broker never see each other. `''` is §4 exactly (real gateways). One
 * level of letters, digits, `_` and `-`, so a broker ACL can match every namespace with `+`.
 */
export const NAMESPACE = /^[A-Za-z0-9_-]{1,64}$/;

/** Why a namespace is not usable, or null when it is (the empty namespace is). */
export function namespaceProblem(ns: string): string | null {
  return ns === '' || NAMESPACE.test(ns) ? null : 'must be 1–64 letters, digits, "_" or "-" (one topic level)';
}

/** The topic root of a namespace: `kexin/v1/gw`, or `{ns}/kexin/v1/gw`. `ns` has no default: a caller that forgot its world's namespace would talk to another world. */
export function topicRoot(ns: string): string {
  return ns === '' ? TOPIC_ROOT : `${ns}/${TOPIC_ROOT}`;
}

/** `[{ns}/]kexin/v1/gw/{ap_id}/{kind}`: the one builder of a §4 topic; `''` names §4's own topics (real gateways). */
export function gatewayTopic(apId: number, kind: GatewayTopic, ns: string): string {
  return `${topicRoot(ns)}/${apId}/${kind}`;
}

/** The MQTT client id of a gateway: `gw-{ap_id}`, or `{ns}/gw-{ap_id}` in a namespace. */
export function gatewayClientId(apId: number, ns = ''): string {
  return ns === '' ? `gw-${apId}` : `${ns}/gw-${apId}`;
}

const GATEWAY_TOPIC = /^(?:([A-Za-z0-9_-]{1,64})\/)?kexin\/v1\/gw\/(\d{1,10})\/(status|cmd|ack|event)$/;

/** Parse a gateway topic (in any namespace) into its namespace, ap_id and kind, or null if it is not one. */
export function parseGatewayTopic(topic: string): { ns: string; apId: number; kind: GatewayTopic } | null {
  const m = GATEWAY_TOPIC.exec(topic);
  if (!m) return null;
  const apId = Number(m[2]);
  if (!isUint32Id(apId)) return null;
  return { ns: m[1] ?? '', apId, kind: m[3] as GatewayTopic };
}

/** Commands the cloud sends to a gateway, tagged by `op`. */
export type LockOp =
  | { op: 'unlock'; args: { uid?: number } }
  | { op: 'state'; args: Record<string, never> }
  | { op: 'pwd_add'; args: { uid: number; password: string; start: number; end: number } }
  | { op: 'pwd_del'; args: { uid: number } }
  | { op: 'pwd_unlock'; args: { password: string } };

export type OpName = LockOp['op'];

export type Command = { id: string; lock_id: number } & LockOp;

/** `state`'s ok data. */
export interface StateData {
  is_abnormal: boolean;
  low_voltage: boolean;
  battery_pct: number;
  lock_time: number;
}

export interface Ack {
  id: string;
  lock_id: number;
  result: LockResult;
  data: Record<string, unknown>;
}

/** What a lock reports on its own (DESIGN §4 events, without `event_id`). */
export type LockEvent =
  | { type: 'unlock'; lock_id: number; mode: UnlockMode; result: 1 | 2; uid: number; lock_time: number }
  | { type: 'battery'; lock_id: number; battery_pct: number; low_voltage: boolean }
  | { type: 'tamper'; lock_id: number; is_abnormal: boolean }
  | { type: 'reachable'; lock_id: number; online: boolean };

export type GatewayEvent = LockEvent & { event_id: number };

export interface Status {
  online: boolean;
}

/** A parse result: the message, or why it was dropped. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function obj(raw: Buffer | string): Record<string, unknown> | string {
  let v: unknown;
  try {
    v = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    return 'not JSON';
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'not a JSON object';
  return v as Record<string, unknown>;
}

/**
 * A lock time as a wire carries it (DESIGN §6): unix seconds within uint32. A fraction is tolerated
 * (the push floors it, §3.4); a number beyond the range is no time at all.
 */
export const isLockTime = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v < 2 ** 32;
const isPct = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 100;
/** Longest command id the cloud sends or matches (parseCommand, parseAck). */
const MAX_ID_CHARS = 128;

function parseOp(op: unknown, args: unknown): LockOp | string {
  if (args === undefined) args = {};
  if (args === null || typeof args !== 'object' || Array.isArray(args)) return 'args must be an object';
  const a = args as Record<string, unknown>;
  switch (op) {
    case 'unlock':
      if (a.uid !== undefined && !isUint32(a.uid)) return 'args.uid must be a uint32';
      return { op, args: a.uid === undefined ? {} : { uid: a.uid as number } };
    case 'state':
      return { op, args: {} };
    case 'pwd_add':
      if (!isUint32Id(a.uid)) return 'args.uid must be a uint32 ≥ 1';
      if (typeof a.password !== 'string' || !/^\d{6}$/.test(a.password)) return 'args.password must be 6 digits';
      if (!isUint32(a.start) || !isUint32(a.end) || a.end <= a.start) return 'args.start/end must be uint32 with end > start';
      return { op, args: { uid: a.uid, password: a.password, start: a.start, end: a.end } };
    case 'pwd_del':
      if (!isUint32(a.uid)) return 'args.uid must be a uint32';
      return { op, args: { uid: a.uid } };
    case 'pwd_unlock':
      if (typeof a.password !== 'string') return 'args.password must be a string';
      return { op, args: { password: a.password } };
    default:
      return 'unknown op';
  }
}

/** Parse a `cmd` message. */
export function parseCommand(raw: Buffer | string): Parsed<Command> {
  const o = obj(raw);
  if (typeof o === 'string') return { ok: false, error: o };
  if (typeof o.id !== 'string' || o.id.length === 0 || o.id.length > MAX_ID_CHARS) return { ok: false, error: 'id must be a non-empty string' };
  if (!isUint32Id(o.lock_id)) return { ok: false, error: 'lock_id must be a uint32' };
  const op = parseOp(o.op, o.args);
  if (typeof op === 'string') return { ok: false, error: op };
  return { ok: true, value: { id: o.id, lock_id: o.lock_id, ...op } };
}

/** Parse an `ack` message. */
export function parseAck(raw: Buffer | string): Parsed<Ack> {
  const o = obj(raw);
  if (typeof o === 'string') return { ok: false, error: o };
  if (typeof o.id !== 'string' || o.id.length > MAX_ID_CHARS) return { ok: false, error: `id must be a string of at most ${MAX_ID_CHARS} characters` };
  if (!isUint32Id(o.lock_id)) return { ok: false, error: 'lock_id must be a uint32' };
  if (!LOCK_RESULTS.includes(o.result as LockResult)) return { ok: false, error: 'result is not a known RESULT' };
  const data = o.data ?? {};
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, error: 'data must be an object' };
  return { ok: true, value: { id: o.id, lock_id: o.lock_id, result: o.result as LockResult, data: data as Record<string, unknown> } };
}

/** Parse an `event` message. */
export function parseEvent(raw: Buffer | string): Parsed<GatewayEvent> {
  const o = obj(raw);
  if (typeof o === 'string') return { ok: false, error: o };
  if (!isUint32(o.event_id)) return { ok: false, error: 'event_id must be a uint32' };
  const ev = parseLockEvent(o);
  if (typeof ev === 'string') return { ok: false, error: ev };
  return { ok: true, value: { ...ev, event_id: o.event_id } };
}

/** Validate a lock event body (shared by MQTT events and lockwire events). */
export function parseLockEvent(o: Record<string, unknown>): LockEvent | string {
  if (!isUint32Id(o.lock_id)) return 'lock_id must be a uint32';
  const lock_id = o.lock_id;
  switch (o.type) {
    case 'unlock':
      if (o.mode !== 1 && o.mode !== 2 && o.mode !== 3) return 'mode must be 1, 2 or 3';
      if (o.result !== 1 && o.result !== 2) return 'result must be 1 or 2';
      if (!isUint32(o.uid)) return 'uid must be a uint32';
      // DESIGN §6: lock times are whole unix seconds of the lock clock, a uint32 on every wire; a number
      // beyond that range (1e300) is no time at all, and would reach the push's date formatting (§3.4).
      if (!isLockTime(o.lock_time)) return 'lock_time must be unix seconds in 0…4294967295';
      return { type: 'unlock', lock_id, mode: o.mode, result: o.result, uid: o.uid, lock_time: o.lock_time };
    case 'battery':
      if (!isPct(o.battery_pct)) return 'battery_pct must be a number in 0…100';
      if (typeof o.low_voltage !== 'boolean') return 'low_voltage must be a boolean';
      return { type: 'battery', lock_id, battery_pct: o.battery_pct, low_voltage: o.low_voltage };
    case 'tamper':
      if (typeof o.is_abnormal !== 'boolean') return 'is_abnormal must be a boolean';
      return { type: 'tamper', lock_id, is_abnormal: o.is_abnormal };
    case 'reachable':
      if (typeof o.online !== 'boolean') return 'online must be a boolean';
      return { type: 'reachable', lock_id, online: o.online };
    default:
      return 'unknown event type';
  }
}

/** Parse a `status` message. */
export function parseStatus(raw: Buffer | string): Parsed<Status> {
  const o = obj(raw);
  if (typeof o === 'string') return { ok: false, error: o };
  if (typeof o.online !== 'boolean') return { ok: false, error: 'online must be a boolean' };
  return { ok: true, value: { online: o.online } };
}
