import type { APIRequestContext } from '@playwright/test';
import type { ProfileName } from '../../sim/protocol/index.ts';
import type { WireLog } from '../client/wire-log.ts';
import type { Capabilities } from './capabilities.ts';
import type { FleetRoles } from './fleet.ts';

export type TargetName = 'sim' | 'remote' | 'lab';

/** A push as the inbox sees it. */
export interface InboxPush {
  at: number;
  app_id: string;
  body: { type: number; data: Record<string, unknown> };
}

/** Gateway knobs (DESIGN §8 `POST /gateways/{id}`; `crash` and `redeliver_next` are extensions). */
export interface GatewayKnobs {
  online?: boolean;
  partitioned?: boolean;
  latency_ms?: number;
  crash?: true;
  redeliver_next?: number;
}

/** Lock knobs (DESIGN §8 `POST /locks/{id}`). */
export interface LockKnobs {
  battery_pct?: number;
  drift_ppm?: number;
  clock_offset_s?: number;
  reachable?: boolean;
  jammed?: boolean;
  tamper?: boolean;
  power?: 'on' | 'off';
  reset_clock?: true;
}

/** What a spec may do to the world, on every target (each call needs the matching capability). */
export interface TargetControl {
  now(): Promise<number>;
  advance(seconds: number): Promise<number>;
  setTime(unix: number): Promise<number>;
  lockState(lockId: number): Promise<Record<string, unknown>>;
  setLock(lockId: number, knobs: LockKnobs): Promise<Record<string, unknown>>;
  keypad(lockId: number, password: string): Promise<string>;
  bleUnlock(lockId: number, uid: number): Promise<string>;
  bleTimeSync(lockId: number, keys: { seq: number; key1: number; key2: number }): Promise<{ result: string; lock_time: number }>;
  setGateway(apId: number, knobs: GatewayKnobs): Promise<Record<string, unknown>>;
  pushes(): Promise<InboxPush[]>;
  failPushes(count: number, status?: number): Promise<void>;
}

/** A running target for one test: where the API is, what can be controlled, and how. */
export interface TargetSession {
  readonly name: TargetName;
  readonly profile: ProfileName;
  readonly apiUrl: string;
  readonly app: { appId: string; appSecret: string };
  /** A second app (another corp), when the target has one. */
  readonly otherApp?: { appId: string; appSecret: string };
  readonly caps: Capabilities;
  readonly fleet: FleetRoles;
  /** The control surface; methods throw when a capability is missing (specs check `needs` first). */
  control(request: APIRequestContext, wire: WireLog): TargetControl;
  /** MQTT broker access for security checks (sim only). */
  readonly broker?: { url: string; gateways: { apId: number; secret: string }[] };
  /** Base URL of the face provider the cloud calls (sim only; specs substitute it with nock). */
  readonly faceProviderUrl?: string;
  /** Lab only: the serial link's fault hooks and counters (TEST-PLAN LAB-03). */
  readonly serial?: { dropResponses(count: number): Promise<void>; stats(): { retransmits: number; reconnects: number; timeouts: number } };
  /** Lab bench only: pull the serial port and put it back (TEST-PLAN LAB-04). */
  readonly bench?: { unplug(): Promise<void>; replug(): Promise<void> };
  /** World time now, unix seconds (DESIGN §2), read synchronously: each wire-log entry carries it (DESIGN §14). */
  worldNow?(): number;
  /** Watch MQTT traffic into the wire log; returns a function that stops watching. */
  watchMqtt?(wire: WireLog): () => void;
  close(): Promise<void>;
}
