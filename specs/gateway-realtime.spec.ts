import { test, expect, pushOf } from '../harness/fixtures/index.ts';
import type { ApiClient } from '../harness/client/api-client.ts';
import type { InboxPush, LinkFacet } from '../harness/targets/core/facets.ts';
import type { PushInbox } from '../harness/fixtures/pushes.ts';
import { MODE, wireOf } from '../sim/protocol/index.ts';
import { openAtOnce } from './steps.test-kit.ts';

// TEST-PLAN GW, PUSH, V2 checks that need no clock or lock control (DESIGN §12): the API, the push
// inbox and the harness's own levers only, so they run against a gateway the harness does not
// control and its real-time locks as well as on sim. The lock-state variants stay in gateway.spec.ts,
// push.spec.ts and v2-passwords.spec.ts.

/** DESIGN §3.4 type 2 `time`: `YYYY-MM-DD HH:MM:SS`. */
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

async function assign(api: ApiClient, lock: number, uid: number, now: number): Promise<string> {
  const res = await api.send<{ password: string }>('/third/v2/lock/pwd/get', { lock_id: lock, uid, effective_at: now - 60, expire: 3600 });
  expect(res).toBeOutcome('ok');
  return res.envelope!.data!.password;
}

const v2open = (api: ApiClient, lock: number, password: string) => api.send('/third/v2/lock/open', { lock_id: lock, password });

test('lock/open → 200 and exactly one type 2 push: network mode, result 1, uid 0, the lock\'s time', { tag: ['@GW-01', '@GW-04', '@PUSH-01'] }, async ({ api, fleet, pushes }) => {
  const lock = fleet.need('main');
  expect(await api.open(lock, 'GW-01 real time')).toBeOutcome('ok');
  const mine = pushOf(2, { lockId: lock });
  const [push] = await pushes.waitFor(mine, { what: 'type 2 for the network unlock' });
  expect(Object.keys(push!.body).sort()).toEqual(['data', 'type']);
  expect(Object.keys(push!.body.data).sort()).toEqual(['lock_id', 'mode', 'result', 'time', 'uid']);
  expect(push!.body.data).toMatchObject({ lock_id: lock, result: 1, uid: 0, mode: MODE.network });
  expect(push!.body.data.time).toMatch(LOCAL_TIME);
  // GW-04: one open, one actuation, one push (settled so a duplicate would have landed).
  expect(await pushes.settled(mine, 500)).toHaveLength(1);
});

/** Four opens of `lock` sent at once (`onAnswer` sees each answer as it comes), with their answers' codes counted. */
async function burstOf(api: ApiClient, lock: number, onAnswer: (answered: number) => unknown = () => undefined) {
  let answered = 0;
  const answers = await openAtOnce(api, [lock, lock, lock, lock], () => onAnswer(++answered));
  const okCode = wireOf(answers[0]!.profile, 'ok').code;
  const busyCode = wireOf(answers[0]!.profile, 'busy').code;
  const count = (code: number) => answers.filter((r) => r.envelope?.code === code).length;
  return { answers, opened: count(okCode), busy: count(busyCode), okCode, texts: answers.map((r) => r.text).join(' | ') };
}

/** The longest GW-03 holds the first open's command, ms, and never more than half the cloud's ack timeout (DESIGN §4). */
const MAX_HOLD_MS = 300;

/**
 * TEST-PLAN GW-03 with the harness's lever (DESIGN §12): the broker holds the first open's command, and lets it
 * go once the other three opens are answered. Each of those was checked by the cloud while that command was in
 * flight, on any gateway and however the requests travelled, so the law is strict: one 200, three 365. Released
 * as soon as the three answers are back, the hold spends little of the ack timeout the held open still needs.
 */
async function heldBurst(api: ApiClient, link: LinkFacet, apId: number, lock: number): Promise<number> {
  await link.holdNextCommand(apId, Math.min(MAX_HOLD_MS, Math.floor(link.ackTimeoutMs / 2)));
  let release: Promise<number> | undefined;
  const burst = await burstOf(api, lock, (answered) => answered === 3 && (release = link.releaseCommands(apId)));
  // A release racing the command to the broker finds nothing held: the three answers already proved the overlap.
  await release;
  for (const r of burst.answers.filter((x) => x.envelope?.code !== burst.okCode)) expect(r, burst.texts).toBeOutcome('busy');
  expect(burst.opened, burst.texts).toBe(1);
  return burst.opened;
}

/**
 * The fallback where the harness has no lever on the link (remote, lab, a world on an external broker): opens
 * sent at once overlap at the cloud only while the first is in flight, and through a gateway that acks at once
 * that is about as long as the cloud takes to check one request, so the last of four can reach it after the first
 * has ended. A burst with a 365 in it did overlap, but one that also opened more than once was served partly in
 * turn, so it is sent again (3 bursts at most), and three such bursts pass marked `inconclusive`. A burst without
 * any 365 is judged as it is: a cloud that ignores the command in flight answers so.
 */
async function burstsUntilOverlap(api: ApiClient, pushes: PushInbox, lock: number): Promise<number> {
  const mine = pushOf(2, { lockId: lock });
  let burst = await burstOf(api, lock);
  const servedInTurn = () => burst.busy > 0 && burst.opened > 1;
  let opened = 0;
  for (let n = 1; n < 3 && servedInTurn(); n++) {
    opened += burst.opened;
    await pushes.waitFor(mine, { count: opened, what: `the ${opened} unlocks of the bursts served in turn` });
    burst = await burstOf(api, lock);
  }
  for (const r of burst.answers.filter((x) => x.envelope?.code !== burst.okCode)) expect(r, burst.texts).toBeOutcome('busy');
  if (servedInTurn()) {
    test.info().annotations.push({ type: 'inconclusive', description: `each of 3 bursts of four opens had a 365 (an open refused while one was in flight) and more than one 200 (an open that reached the cloud after the first had ended, or two in flight: a burst cannot tell which); the last: ${burst.texts}` });
  } else {
    expect(burst.opened, burst.texts).toBe(1);
  }
  return opened + burst.opened;
}

test('concurrent opens of one lock → 200 once and 365 for the others; opens of two locks behind one gateway run in parallel', { tag: '@GW-03' }, async ({ api, fleet, pushes, facets }) => {
  const [a, b] = [fleet.need('main'), fleet.need('sibling')];
  const opened = facets.link ? await heldBurst(api, facets.link, fleet.need('mainGateway'), a) : await burstsUntilOverlap(api, pushes, a);
  // The refused opens never reached the lock: one push for each open answered 200.
  const mine = pushOf(2, { lockId: a });
  await pushes.waitFor(mine, { count: opened, what: 'the unlocks of the opens answered 200' });
  expect(await pushes.settled(mine, 500)).toHaveLength(opened);
  const [ra, rb] = await openAtOnce(api, [a, b]);
  expect(ra!).toBeOutcome('ok');
  expect(rb!).toBeOutcome('ok');
});

test('type 1 is exactly {ap_id, online}: false when the connection is lost, true when the gateway is back', { tag: '@PUSH-01' }, async ({ needs, fleet, pushes, session }) => {
  const link = needs('link');
  const apId = fleet.need('mainGateway');
  const mine = (p: InboxPush): boolean => pushOf(1, { apId })(p) && p.app_id === session.app.appId;
  expect(await link.drop(apId)).toBeGreaterThanOrEqual(1);
  const [off, on] = await pushes.waitFor(mine, { count: 2, what: 'type 1 false then true', timeoutMs: link.reconnectWaitMs });
  expect(off!.body).toEqual({ type: 1, data: { ap_id: apId, online: false } });
  expect(on!.body).toEqual({ type: 1, data: { ap_id: apId, online: true } });
});

test('re-assigning a uid replaces its password on the lock: the old one is 326, the new one opens', { tag: '@V2-02' }, async ({ api, fleet, session }) => {
  const lock = fleet.need('main');
  const now = Math.floor(await session.now());
  const first = await assign(api, lock, 81, now);
  const second = await assign(api, lock, 81, now);
  if (second !== first) expect(await v2open(api, lock, first)).toBeOutcome('wrong_password');
  expect(await v2open(api, lock, second)).toBeOutcome('ok');
});

test('pwd/del of a uid removes it from the lock (326), uid 0 removes all, an unknown uid is 200', { tag: '@V2-03' }, async ({ api, fleet, session }) => {
  const lock = fleet.need('main');
  const now = Math.floor(await session.now());
  const del = (uid: number) => api.send('/third/v2/lock/pwd/del', { lock_id: lock, uid });
  const one = await assign(api, lock, 82, now);
  expect(await del(82)).toBeOutcome('ok');
  expect(await v2open(api, lock, one)).toBeOutcome('wrong_password');
  const [p, q] = [await assign(api, lock, 83, now), await assign(api, lock, 84, now)];
  expect(await del(0)).toBeOutcome('ok');
  expect(await v2open(api, lock, p)).toBeOutcome('wrong_password');
  expect(await v2open(api, lock, q)).toBeOutcome('wrong_password');
  expect(await del(4_000_000_000)).toBeOutcome('ok');
});
