import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { signBody, signedContent } from '../protocol/index.ts';
import { roomDefects, type CloudDefect } from '../defects.ts';
import { startBuiltinFaceProvider } from './face-provider.ts';
import {
  APP_ID, APP_SECRET, FACE_IMAGE, LOCK, LOCK_NO_AP, LOCK_OTHER_CORP, MEMBER, startPushReceiver, startWorld, testApps, waitFor,
  type TestWorld,
} from './cloud.test-kit.ts';
import type { CloudOptions } from './types.ts';

/**
 * One observation per defect: `contract` is what the check sees on a correct cloud, `broken` on
 * the defective one. Both run, so each check is shown to tell the two apart. The table is partial
 * on purpose: the kill matrix (`npm run defects`, its catalogue typed over every defect) proves each
 * defect against the suite, so a new defect needs no probe here (`sim/defects.ts`).
 */
interface DefectCheck {
  over?: (extra: { pushUrl: string; faceUrl: string }) => Partial<CloudOptions>;
  observe(w: TestWorld, rx: Receiver): Promise<unknown>;
  contract: unknown;
  broken: unknown;
}

type Receiver = Awaited<ReturnType<typeof startPushReceiver>>;

const get = { app_id: APP_ID, lock_id: LOCK };
const code = async (p: Promise<{ body: { code: number } }>) => (await p).body.code;
const faceBody = { app_id: APP_ID, lock_id: LOCK, name: MEMBER.name, id_num: MEMBER.idNum, img_code: FACE_IMAGE.toString('base64') };

const CHECKS: Partial<Record<CloudDefect, DefectCheck>> = {
  'cloud-sign-uppercase': {
    observe: (w) => code(w.call('/third/lock/get', get, { sign: signBody(get, APP_SECRET, w.clock.now()).toUpperCase() })),
    contract: 401, broken: 200,
  },
  'cloud-sign-hourless': {
    observe: (w) => code(w.call('/third/lock/get', get, { sign: createHash('md5').update(`${signedContent(get)}+${APP_SECRET}`).digest('hex') })),
    contract: 401, broken: 200,
  },
  'cloud-sign-any-hour': {
    observe: (w) => code(w.call('/third/lock/get', get, { at: w.clock.now() - 5 * 3600 })),
    contract: 401, broken: 200,
  },
  'cloud-sign-img-code': {
    observe: (w) => code(w.call('/third/lock/open/face', faceBody, { exclude: ['img_code'] })),
    contract: 200, broken: 401,
  },
  'cloud-unknown-lock-200': {
    observe: async (w) => (await w.call('/third/lock/get', { app_id: APP_ID, lock_id: 99 })).body.data?.lock_id ?? 350,
    contract: 350, broken: 99,
  },
  'cloud-360-for-362': {
    observe: (w) => code(w.call('/third/lock/open', { app_id: APP_ID, lock_id: LOCK_NO_AP, attach: '' })),
    contract: 362, broken: 360,
  },
  'cloud-seq-reuse': {
    observe: async (w) => {
      const a = await w.call('/third/lock/time_sync/seq/get', get);
      const b = await w.call('/third/lock/time_sync/seq/get', get);
      return (b.body.data?.seq as number) > (a.body.data?.seq as number);
    },
    contract: true, broken: false,
  },
  'cloud-keep-pwd-after-failed-write': {
    observe: async (w) => {
      w.gw.answer = () => ({ result: 'full' });
      const r = await w.call('/third/v2/lock/pwd/get', { ...get, uid: 5, effective_at: 1_700_000_000, expire: 60 });
      return [r.body.code, w.cloud.assignedPasswords(LOCK).has(5)];
    },
    contract: [364, false], broken: [364, true],
  },
  'cloud-push-duplicate': {
    over: ({ pushUrl }) => ({ apps: testApps(pushUrl) }),
    observe: async (w, rx) => {
      for (let i = 0; i < 2; i++) await w.gw.event({ type: 'unlock', lock_id: LOCK, mode: 1, result: 1, uid: 0, lock_time: 1, event_id: 9 });
      await w.gw.event({ type: 'unlock', lock_id: LOCK, mode: 1, result: 1, uid: 0, lock_time: 1, event_id: 10 });
      await waitFor(() => rx.bodies.length >= 2 && w.cloud.stats.pushesSent === rx.bodies.length, 'pushes');
      await new Promise((r) => setTimeout(r, 50));
      return rx.bodies.length;
    },
    contract: 2, broken: 3,
  },
  'cloud-no-push-retry': {
    over: ({ pushUrl }) => ({ apps: testApps(pushUrl) }),
    observe: async (w, rx) => {
      await w.gw.event({ type: 'tamper', lock_id: LOCK, is_abnormal: true });
      await w.gw.event({ type: 'battery', lock_id: LOCK, battery_pct: 5, low_voltage: true });
      await waitFor(() => w.cloud.stats.pushesSent + w.cloud.stats.pushFailures === 1, 'the push to settle');
      return rx.bodies.length;
    },
    contract: 1, broken: 0,
  },
  'cloud-pwd-window-over-ok': {
    observe: (w) => code(w.call('/third/lock/pwd/get', { ...get, effective_at: 1_600_000_000, expire: 300 })),
    contract: 357, broken: 200,
  },
  'cloud-no-corp-check': {
    observe: (w) => code(w.call('/third/lock/get', { app_id: APP_ID, lock_id: LOCK_OTHER_CORP })),
    contract: 354, broken: 200,
  },
  'cloud-no-face-rate-limit': {
    over: ({ faceUrl }) => ({ faceProviderUrl: faceUrl }),
    observe: async (w) => {
      for (let i = 0; i < 3; i++) await w.call('/third/lock/open/face', faceBody);
      return code(w.call('/third/lock/open/face', faceBody));
    },
    contract: 327, broken: 200,
  },
  'cloud-busy-ignored': {
    observe: async (w) => {
      const gate = w.gw.hold();
      const open = () => code(w.call('/third/lock/open', { ...get, attach: '' }));
      let answered = false;
      const both = [open(), open()].map((p) => p.finally(() => (answered = true)));
      // Released once one answer is back (365) or both commands are out (the defect sends both).
      await waitFor(() => answered || w.gw.commands.length === 2, 'a refusal or two commands');
      gate.release();
      return (await Promise.all(both)).sort();
    },
    contract: [200, 365], broken: [200, 200],
  },
};

test('the cloud refuses an unknown name and ignores other rooms\' defects', async () => {
  await assert.rejects(startWorld({ defects: ['cloud-sign-uppercas'] }), /unknown defect "cloud-sign-uppercas"/);
  const { has } = roomDefects('cloud', ['lock-no-lockout', 'cloud-seq-reuse']);
  assert.equal(has('cloud-seq-reuse'), true);
  assert.equal(has('cloud-busy-ignored'), false);
});

for (const [name, check] of Object.entries(CHECKS)) {
  test(`defect ${name} is observable`, async () => {
    const faceProvider = await startBuiltinFaceProvider([MEMBER]);
    try {
      for (const [defects, expected] of [[[], check.contract], [[name], check.broken]] as const) {
        // The receiver fails its first push, so a missing retry is observable.
        const rx = await startPushReceiver([500]);
        const w = await startWorld({ faceProviderUrl: faceProvider.url, ...check.over?.({ pushUrl: rx.url, faceUrl: faceProvider.url }), defects });
        try {
          assert.deepEqual(await check.observe(w, rx), expected, defects.length ? 'with the defect' : 'contract');
        } finally {
          await w.close();
          await rx.close();
        }
      }
    } finally {
      await faceProvider.close();
    }
  });
}
