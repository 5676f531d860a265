import type { Journal } from './journal.ts';
import type { Clock } from '../clock/index.ts';
import type { ProfileName } from '../protocol/index.ts';
import type { CompensationOptions } from './compensations.ts';
import type { HttpLimits } from './http-server.ts';
import type { Rng } from '../random.ts';

/** A third-party app allowed to call the API (fixture `apps[]`). */
export interface AppRecord {
  appId: string;
  appSecret: string;
  corpIds: number[];
  /** Absolute URL the cloud POSTs push messages to (DESIGN §3.4), or null for none. */
  pushUrl: string | null;
}

/** A person who may open a lock by face (fixture `locks[].members[]`). */
export interface MemberRecord {
  uid: number;
  name: string;
  idNum: string;
  faceSha256: string;
}

/** What the cloud's registry knows of one lock (fixture `locks[]`, DESIGN §3.3 lock detail). */
export interface LockRecord {
  lockId: number;
  mac: string;
  secretHex: string;
  corpId: number;
  name: string;
  descr: string;
  master: { name: string; tel: string };
  deviceVer: string;
  firmwareVer: string;
  isInit: boolean;
  isBind: boolean;
  isDel: boolean;
  /** RFC 3339 with +08:00, returned as stored. */
  initAt: string;
  bindAt: string;
  /** First time-sync seq issued (DESIGN §5.3). */
  seqStart: number;
  members: MemberRecord[];
  /** The gateway the lock hangs off, or null (no AP: 362). */
  apId: number | null;
}

/** The cloud's lock records found by id and by MAC (`lock-registry.ts` `LockRegistry`). */
export interface LockLookup {
  /** The lock with this id, deleted or not. */
  byId(lockId: number): LockRecord | undefined;
  /** The lock with this MAC (any case), deleted or not. */
  byMac(mac: string): LockRecord | undefined;
  /** The corps of the live (not deleted) locks behind gateway `apId`. */
  corpsOf(apId: number): ReadonlySet<number>;
}

/** Push delivery knobs (DESIGN §3.4). */
export interface PushOptions {
  /** Total delivery attempts per message. Default 3. */
  attempts?: number;
  /** Delay before the first retry, doubled on each further retry, in ms. Default 100. */
  backoffMs?: number;
  /** Headers and body timeout of one attempt, in ms. Default 1000. */
  timeoutMs?: number;
}

/** Everything a stub cloud is made of. Times in the world are read from `clock` only. */
export interface CloudOptions {
  /** World time: sign buckets, windows, TTLs, rate limits (DESIGN §2). */
  clock: Clock;
  profile: ProfileName;
  /** Accepted sign skew in seconds (DESIGN §5.1); 0 = current hour only. */
  signSkewS: number;
  /** Real-time ms to wait for a gateway's ack (DESIGN §4). */
  ackTimeoutMs: number;
  /** World seconds a time-sync seq may be reported (DESIGN §5.3). */
  timeSyncTtlS: number;
  /** At most `max` face attempts per `perS` world seconds per (lock_id, id_num) (DESIGN §5.6). */
  faceRate: { max: number; perS: number };
  /** Absolute base URL of the face provider; the cloud POSTs `{url}/verify`. */
  faceProviderUrl: string;
  /** Real-time ms the face provider may take. */
  faceTimeoutMs: number;
  /** Time zone of displayed times in minutes east of UTC (480 = UTC+8). */
  tzOffsetMin: number;
  apps: AppRecord[];
  /** The lock records, or their registry made already (`LockRegistry`: a fleet's locks as columns, DESIGN §13). */
  locks: LockRecord[] | LockLookup;
  /** The broker, the `cloud` user's password and the world's namespace on it (DESIGN §13; default ''). */
  mqtt: { url: string; password: string; namespace?: string };
  /** Listen address. Default 127.0.0.1. */
  host?: string;
  /** Listen port. Default 0 (any free port). */
  port?: number;
  push?: PushOptions;
  /** Largest accepted request body in bytes. Default 256 KiB (DESIGN §3.2). */
  bodyLimitBytes?: number;
  /** Retries of the compensating pwd_del after a 364 (compensations.ts DEFAULT_COMPENSATION). */
  compensation?: Partial<CompensationOptions>;
  /** Connection cap and socket timeouts of the API listener (http-server.ts DEFAULT_HTTP_LIMITS). */
  http?: Partial<HttpLimits>;
  /** Seeded defects switched on (`sim/defects.ts`; other rooms' names ignored, unknown ones refused); none by default. */
  defects?: readonly string[];
  /** Domain randomness (v2 password draws); default seed 0, so a run replays (STYLE §2). */
  rng?: Rng;
  /** Where API exchanges, MQTT messages and push attempts are recorded (journal.ts); none by default. */
  journal?: Journal;
}

/** How an endpoint names its lock: by id, or by MAC on `by_mac/get` (DESIGN §3.3). */
export type LockKey = { lockId: number } | { mac: string };
