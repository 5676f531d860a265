import type { Clock } from '../clock/index.ts';
import type { Body, Endpoint, LockResult, Outcome, ProfileName } from '../protocol/index.ts';
import type { Compensations } from './compensations.ts';
import type { EventRouter } from './events.ts';
import type { FaceQuery, FaceRateLimiter, FaceVerdict } from './face.ts';
import type { FieldResult } from './fields.ts';
import { checkTable, type FieldTable, type JsonSchema } from './field-table.ts';
import type { GatewayLink, RpcAnswer } from './gateway-rpc.ts';
import type { CloudRules } from './rules.ts';
import type { CloudStore } from './store.ts';
import type { Rng } from '../random.ts';
import { fail, type Reply } from './reply.ts';
import type { CloudStats } from './stats.ts';
import type { AppRecord, LockKey, LockRecord } from './types.ts';

/** Everything an endpoint may use. */
export interface CloudDeps {
  clock: Clock;
  profile: ProfileName;
  store: CloudStore;
  rpc: GatewayLink;
  /** Compensating pwd_dels owed after a 364 (DESIGN §3.3). */
  compensations: Compensations;
  /** Told what `state` replies say, so the low-battery alarm follows the lock's state too (DESIGN §3.4). */
  events: Pick<EventRouter, 'onLockState'>;
  faceRate: FaceRateLimiter;
  verifyFace(query: FaceQuery): Promise<FaceVerdict>;
  stats: CloudStats;
  /** The cloud's fork of the world seed (STYLE §2). */
  rng: Rng;
  /** The contract rules endpoints ask (DESIGN §3.2, §3.3), where seeded defects act. */
  rules: CloudRules;
  signSkewS: number;
  timeSyncTtlS: number;
  tzOffsetMin: number;
}

/** What the handler gets once §3.2 steps 1–6 passed. */
export interface Call<F> {
  fields: F;
  lock: LockRecord;
  app: AppRecord;
}

/** One endpoint of DESIGN §3.3 as written: its fields (step 4), its lock (step 5) and its own checks (step 7). */
export interface EndpointDef<F> {
  path: Endpoint;
  /** The request's fields as data: checked in this order, and described by the OpenAPI documents (openapi.ts). */
  request: FieldTable;
  /** Rules a table cannot say (a profile's `effective_at`, a sum in range), run once the table passed. */
  refine?(fields: F, deps: CloudDeps): FieldResult<F>;
  /** JSON Schema of `data` in an `ok` answer; null: `data` is null (DESIGN §3.3). */
  data: JsonSchema | null;
  lockKey(fields: F): LockKey;
  handle(call: Call<F>, deps: CloudDeps): Promise<Reply>;
}

/** An endpoint as the pipeline runs it: the table's check and the refinement as one step. */
export interface EndpointSpec<F> extends EndpointDef<F> {
  fields(body: Body, deps: CloudDeps): FieldResult<F>;
}

/** An endpoint with its field type erased, for the dispatch table. */
export type AnyEndpoint = EndpointSpec<unknown>;

/** Erase an endpoint's field type (the table keeps each spec's own fields and handler together). */
export function endpoint<F extends object>(def: EndpointDef<F>): AnyEndpoint {
  const fields = (body: Body, deps: CloudDeps): FieldResult<F> => {
    const r = checkTable<F>(def.request, body);
    return r.ok && def.refine ? def.refine(r.value, deps) : r;
  };
  return { ...def, fields } as unknown as AnyEndpoint;
}

/** Map a gateway answer through a per-endpoint table; results it does not list become `fallback`. */
export function outcomeOf(answer: RpcAnswer, table: Partial<Record<LockResult | 'timeout', Outcome>>, fallback: Outcome): Outcome {
  return table[answer === 'timeout' ? 'timeout' : answer.result] ?? fallback;
}

/**
 * The gateway checks of DESIGN §3.3 in contract order: not bound 355, no AP 362, gateway offline
 * 360, another command in flight 365. Passing yields the AP to send to.
 */
export function gatewayReady(lock: LockRecord, deps: CloudDeps): { ok: true; apId: number } | { ok: false; reply: Reply } {
  if (!lock.isBind) return { ok: false, reply: fail('not_bound', 'lock is not bound') };
  if (lock.apId === null) {
    return { ok: false, reply: deps.rules.noGateway() };
  }
  if (!deps.rpc.online(lock.apId)) return { ok: false, reply: fail('offline', 'gateway is offline') };
  if (deps.rpc.inFlight(lock.lockId)) return { ok: false, reply: fail('busy', 'another command for this lock is in flight') };
  return { ok: true, apId: lock.apId };
}

/** The `lock_id` field every lock endpoint has. */
export function byLockId(fields: { lock_id: number }): LockKey {
  return { lockId: fields.lock_id };
}
