import { test, expect } from '../harness/fixtures/index.ts';

// TEST-PLAN INFO — lock detail (DESIGN §3.3 "Lock detail").

/** RFC 3339 with the UTC+8 offset the platform displays (DESIGN §2 time zone, §3.3). */
const RFC3339_CST = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?\+08:00$/;
const LOWER_MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** The documented fields of a lock detail and the JSON type of each. */
const DETAIL_TYPES = {
  lock_id: 'number', mac: 'string', master: 'object', name: 'string', descr: 'string', corp_id: 'number',
  device_ver: 'string', firmware_ver: 'string', is_init: 'boolean', is_bind: 'boolean', init_at: 'string',
  bind_at: 'string', updated_at: 'string', state: 'number', is_del: 'boolean',
} as const;

/** Every documented field with its type and format (DESIGN §3.3). */
function expectDetail(d: Record<string, unknown> | null | undefined, lockId: number): Record<string, unknown> {
  expect(d, 'data').toBeTruthy();
  const detail = d!;
  for (const [key, type] of Object.entries(DETAIL_TYPES)) {
    expect(detail, `field ${key}`).toHaveProperty(key);
    expect(typeof detail[key], `type of ${key}: ${JSON.stringify(detail[key])}`).toBe(type);
  }
  expect(detail.lock_id).toBe(lockId);
  expect(detail.mac, 'mac is lowercase xx:xx:xx:xx:xx:xx').toMatch(LOWER_MAC);
  const master = detail.master as Record<string, unknown>;
  expect(master, 'master').not.toBeNull();
  expect(typeof master.name, 'master.name').toBe('string');
  expect(typeof master.tel, 'master.tel').toBe('string');
  expect(Number.isInteger(detail.corp_id), 'corp_id is an integer').toBe(true);
  expect(Number.isInteger(detail.state), 'state is an integer').toBe(true);
  for (const key of ['init_at', 'bind_at', 'updated_at']) {
    expect(detail[key], `${key} is RFC 3339 with +08:00`).toMatch(RFC3339_CST);
    expect(Number.isNaN(Date.parse(detail[key] as string)), `${key} is a real date`).toBe(false);
  }
  return detail;
}

test('lock/get returns every documented field with its type; times RFC 3339 +08:00, mac lowercase', { tag: '@INFO-01' }, async ({ api, locks }) => {
  const main = locks.get('main');
  const lock = main.id;
  const res = await api.lockGet(lock);
  expect(res).toBeOutcome('ok');
  const detail = expectDetail(res.envelope?.data, lock);
  // A lock the API serves is a live one: not deleted, and (the main role) bound, in normal state.
  expect(detail.is_del).toBe(false);
  expect(detail.is_bind).toBe(true);
  expect(detail.state).toBe(0);
  if (main.mac) expect(detail.mac).toBe(main.mac.toLowerCase());
});

test('lock/get reflects is_bind false for an unbound lock', { tag: '@INFO-01' }, async ({ api, fleet }) => {
  const lock = fleet.need('unbound');
  const res = await api.lockGet(lock);
  expect(res).toBeOutcome('ok');
  expect(expectDetail(res.envelope?.data, lock).is_bind).toBe(false);
});

test('by_mac/get: upper, lower and mixed case find the same lock; malformed → 400; unknown → 350', { tag: '@INFO-02' }, async ({ api, fleet, needsEndpoint }) => {
  needsEndpoint('/third/lock/by_mac/get');
  const lock = fleet.need('main');
  const byId = await api.lockGet(lock);
  expect(byId).toBeOutcome('ok');
  const mac = String(byId.envelope?.data?.mac);
  const mixed = mac.split('').map((ch, i) => (i % 2 ? ch.toUpperCase() : ch)).join('');
  for (const m of [mac, mac.toUpperCase(), mixed]) {
    const res = await api.byMac(m);
    expect(res, m).toBeOutcome('ok');
    // The same lock, and the same detail lock/get gives (mac still lowercase).
    expect(res.envelope?.data, m).toEqual(byId.envelope?.data);
  }
  const malformed: unknown[] = [
    mac.slice(0, -3), `${mac}:00`, mac.replaceAll(':', '-'), mac.replaceAll(':', ''), `g${mac.slice(1)}`,
    ` ${mac}`, `${mac}\n`, mac.replace(/:/, '::').slice(0, 17), '', 720003167, null,
  ];
  for (const m of malformed) {
    const res = await api.byMac(m);
    expect(res, JSON.stringify(m)).toBeOutcome('bad_params');
    expect(res.envelope?.desc, `desc of ${JSON.stringify(m)}`).toContain('mac');
  }
  expect(await api.send('/third/lock/by_mac/get', {})).toBeOutcome('bad_params');
  expect(await api.byMac('00:00:00:00:00:01')).toBeOutcome('no_lock');
  expect(await api.byMac('FF:FF:FF:FF:FF:FE')).toBeOutcome('no_lock');
});
