import { byLockId, endpoint } from '../endpoint.ts';
import { fail } from '../reply.ts';
import { openThroughGateway } from './remote-open.ts';

/** Largest decoded face image in bytes (DESIGN §3.3: 100 KB, 2017-05-12). */
export const MAX_IMAGE_BYTES = 102_400;

/** A provider similarity at or above this is a match (DESIGN §3.3). */
export const MATCH_SIMILARITY = 70;

interface FaceFields {
  lock_id: number;
  name: string;
  id_num: string;
  img_code: string;
}

/**
 * `/third/lock/open/face` (DESIGN §3.3, §5.6): rate limit 327, member with this id_num and name
 * else 354, provider similarity ≥ 70 else 358 (provider error or timeout 502), then as
 * `/third/lock/open` with the member's uid.
 */
export const faceOpen = endpoint<FaceFields>({
  path: '/third/lock/open/face',
  request: {
    lock_id: { type: 'uint32' },
    name: { type: 'text', min: 1, max: 64 },
    id_num: { type: 'id_number' },
    img_code: { type: 'base64_image', maxBytes: MAX_IMAGE_BYTES },
  },
  data: null,
  lockKey: byLockId,
  handle: async ({ fields, lock }, deps) => {
    if (!deps.faceRate.tryAttempt(lock.lockId, fields.id_num, deps.clock.now())) {
      return fail('face_too_frequent', 'too many face attempts for this id_num; try later');
    }
    const idNum = fields.id_num.toUpperCase();
    const member = lock.members.find((m) => m.idNum.toUpperCase() === idNum && m.name === fields.name);
    if (!member) return fail('no_right', 'no member of this lock has this id_num and name');
    const verdict = await deps.verifyFace({ name: fields.name, id_num: fields.id_num, image_base64: fields.img_code });
    if (!verdict.ok) return fail('provider_failed', `face provider failed: ${verdict.error}`);
    if (verdict.similarity < MATCH_SIMILARITY) return fail('face_mismatch', 'face does not match');
    return openThroughGateway(lock, member.uid, deps);
  },
});
