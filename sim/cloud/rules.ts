import { unsignedFields, type Body, type Endpoint } from '../protocol/index.ts';
import { fail, type Reply } from './reply.ts';
import { signatureValid as contractSignature } from './signature.ts';
import type { AppRecord, LockKey, LockRecord } from './types.ts';

/**
 * The cloud's contract rules that endpoints and the pipeline ask (DESIGN §3.2, §3.3, §5.1), one
 * method each. A seeded defect wraps one of them (`sim/cloud/seeded.ts`), so no endpoint names a
 * defect; the cloud's other parts (store, RPC, face limiter, event router) are wrapped the same way.
 */
export class CloudRules {
  /** DESIGN §5.1: the fields of `path` outside the signed content (`img_code` on open/face). */
  signExclude(path: Endpoint): readonly string[] {
    return unsignedFields(path);
  }

  /** DESIGN §5.1 and §3.2 step 3 (`signature.ts`): constant time, the hour buckets within `skewS`, lowercase hex only. */
  signatureValid(body: Body, sign: string, secret: string, w: number, skewS: number, exclude: readonly string[]): boolean {
    return contractSignature(body, sign, secret, w, skewS, exclude);
  }

  /** DESIGN §3.2 step 5: a lock that does not exist (or was deleted) is 350. */
  unknownLock(_path: Endpoint, _key: LockKey): Reply {
    return fail('no_lock', 'lock does not exist');
  }

  /** DESIGN §3.2 step 6: an app may use only the locks of its own corps. */
  mayUse(app: AppRecord, lock: LockRecord): boolean {
    return app.corpIds.includes(lock.corpId);
  }

  /** DESIGN §3.3: a lock with no gateway is 362 (not 360, which is a gateway offline). */
  noGateway(): Reply {
    return fail('no_gateway', 'lock has no gateway');
  }

  /** DESIGN §3.3: a window whose end `endS` is not after world time w is already over (expired). */
  windowOver(w: number, endS: number): boolean {
    return w >= endS;
  }

  /** DESIGN §3.3 (TEST-PLAN V2-04): after a failed write the cloud keeps no password for the uid. */
  keepsFailedWrite(): boolean {
    return false;
  }
}
