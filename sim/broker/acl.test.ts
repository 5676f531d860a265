import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  CONTRACT_ACL, authenticate, authorizeClientId, authorizePublish, authorizeSubscribe, gatewayOfUsername, identityKey, type AclConfig, type Identity,
} from './acl.ts';
import { aclRules } from './seeded.ts';

const secrets = new Map([[7, 'gw7-secret'], [8, 'gw8-secret'], [9, '']]);
const cfg: AclConfig = { cloudPassword: 'cloud-pw', gatewaySecret: (id) => secrets.get(id), rules: CONTRACT_ACL };
const pw = (s: string): Buffer => Buffer.from(s);
const cloud: Identity = { kind: 'cloud' };
const gw7: Identity = { kind: 'gateway', apId: 7 };

test('authenticate: cloud and gateways with their own secret; everything else refused (DESIGN §4)', () => {
  assert.deepEqual(authenticate({ username: 'cloud', password: pw('cloud-pw') }, cfg), { ok: true, identity: cloud });
  assert.deepEqual(authenticate({ username: 'gw:7', password: pw('gw7-secret') }, cfg), { ok: true, identity: gw7 });
  const refused: [string | undefined, Buffer | undefined, string][] = [
    [undefined, undefined, 'anonymous'],
    ['', pw('cloud-pw'), 'anonymous'],
    ['cloud', pw('cloud-pW'), 'bad_credentials'],
    ['cloud', undefined, 'bad_credentials'],
    ['gw:7', pw('gw8-secret'), 'bad_credentials'],
    ['gw:8', pw('gw7-secret'), 'bad_credentials'],
    ['gw:10', pw('gw7-secret'), 'bad_credentials'],
    ['gw:9', pw(''), 'bad_credentials'],
    ['gw:07', pw('gw7-secret'), 'bad_credentials'],
    ['GW:7', pw('gw7-secret'), 'bad_credentials'],
    ['gw:7 ', pw('gw7-secret'), 'bad_credentials'],
  ];
  for (const [username, password, refusal] of refused) {
    assert.deepEqual(authenticate({ username, password }, cfg), { ok: false, refusal }, `${username}`);
  }
});

test('an empty configured cloud password matches nothing', () => {
  assert.equal(authenticate({ username: 'cloud', password: pw('') }, { ...cfg, cloudPassword: '' }).ok, false);
});

test('broker-anonymous defect: anonymous accepted, may read like the cloud but not publish', () => {
  const rules = aclRules(['broker-anonymous']);
  const r = authenticate({ username: undefined, password: undefined }, { ...cfg, rules });
  assert.deepEqual(r, { ok: true, identity: { kind: 'anonymous' } });
  assert.ok(authorizeSubscribe({ kind: 'anonymous' }, 'kexin/v1/gw/+/status', rules));
  assert.ok(!authorizeSubscribe({ kind: 'anonymous' }, 'kexin/v1/gw/+/status'), 'the contract lets no anonymous client read');
  assert.ok(!authorizePublish({ kind: 'anonymous' }, 'kexin/v1/gw/7/cmd', false));
});

test('gatewayOfUsername parses gw:{uint32 ≥ 1} only', () => {
  assert.equal(gatewayOfUsername('gw:1'), 1);
  assert.equal(gatewayOfUsername('gw:4294967295'), 4294967295);
  for (const u of ['gw:0', 'gw:4294967296', 'gw:-1', 'gw:1.5', 'gw:', 'gw:abc', 'xgw:1']) assert.equal(gatewayOfUsername(u), null, u);
});

test('wills: a gateway only on its own status; the cloud only where it may publish', () => {
  const gw = { username: 'gw:7', password: pw('gw7-secret') };
  const will = (topic: string, retain = true) => ({ topic, retain });
  assert.ok(authenticate({ ...gw, will: will('kexin/v1/gw/7/status') }, cfg).ok);
  for (const t of ['kexin/v1/gw/8/status', 'kexin/v1/gw/7/ack', 'kexin/v1/gw/7/event', 'kexin/v1/gw/7/cmd', 'other']) {
    assert.deepEqual(authenticate({ ...gw, will: will(t) }, cfg), { ok: false, refusal: 'will_not_allowed' }, t);
  }
  const c = { username: 'cloud', password: pw('cloud-pw') };
  assert.ok(!authenticate({ ...c, will: will('kexin/v1/gw/7/status') }, cfg).ok);
  assert.ok(authenticate({ ...c, will: will('kexin/v1/gw/7/cmd', false) }, cfg).ok);
});

test('publish: cloud to any cmd (not retained); a gateway to its own status/ack/event only', () => {
  assert.ok(authorizePublish(cloud, 'kexin/v1/gw/7/cmd', false));
  assert.ok(!authorizePublish(cloud, 'kexin/v1/gw/7/cmd', true), 'a retained cmd would replay on reconnect');
  for (const k of ['status', 'ack', 'event']) assert.ok(!authorizePublish(cloud, `kexin/v1/gw/7/${k}`, false), k);
  assert.ok(authorizePublish(gw7, 'kexin/v1/gw/7/status', true));
  assert.ok(authorizePublish(gw7, 'kexin/v1/gw/7/ack', false));
  assert.ok(authorizePublish(gw7, 'kexin/v1/gw/7/event', false));
  assert.ok(!authorizePublish(gw7, 'kexin/v1/gw/7/event', true));
  assert.ok(!authorizePublish(gw7, 'kexin/v1/gw/7/cmd', false));
  assert.ok(!authorizePublish(gw7, 'kexin/v1/gw/8/status', true));
  assert.ok(!authorizePublish(gw7, '$SYS/x', false));
  assert.ok(!authorizePublish(gw7, 'kexin/v1/gw/07/status', false));
});

test('property: a gateway may publish to gateway X kind K iff X is itself and K is not cmd', () => {
  const kinds = ['status', 'cmd', 'ack', 'event'] as const;
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 0xffffffff }), fc.integer({ min: 1, max: 0xffffffff }), fc.constantFrom(...kinds), (me, other, kind) => {
      const allowed = authorizePublish({ kind: 'gateway', apId: me }, `kexin/v1/gw/${other}/${kind}`, false);
      assert.equal(allowed, me === other && kind !== 'cmd');
    }),
  );
});

test('subscribe: cloud to status/ack/event (one gateway or +); a gateway to its own cmd exactly', () => {
  for (const f of ['kexin/v1/gw/+/status', 'kexin/v1/gw/+/ack', 'kexin/v1/gw/+/event', 'kexin/v1/gw/7/ack']) {
    assert.ok(authorizeSubscribe(cloud, f), f);
  }
  for (const f of ['#', 'kexin/#', 'kexin/v1/gw/#', 'kexin/v1/gw/+/cmd', 'kexin/v1/gw/+/+', '$SYS/#', 'kexin/v1/gw/+/status/#']) {
    assert.ok(!authorizeSubscribe(cloud, f), f);
  }
  assert.ok(authorizeSubscribe(gw7, 'kexin/v1/gw/7/cmd'));
  for (const f of ['kexin/v1/gw/8/cmd', 'kexin/v1/gw/+/cmd', 'kexin/v1/gw/7/+', 'kexin/v1/gw/7/#', 'kexin/v1/gw/7/status', '#']) {
    assert.ok(!authorizeSubscribe(gw7, f), f);
  }
});

test('broker-acl-open defect: a gateway may subscribe to any gateway cmd', () => {
  const open = aclRules(['broker-acl-open']);
  assert.ok(authorizeSubscribe(gw7, 'kexin/v1/gw/8/cmd', open));
  assert.ok(authorizeSubscribe(gw7, 'kexin/v1/gw/+/cmd', open));
  assert.ok(!authorizeSubscribe(gw7, 'kexin/v1/gw/8/status', open));
});

test('a client id held by another identity is not taken over', () => {
  assert.ok(authorizeClientId(gw7, 'any-id', undefined));
  assert.ok(authorizeClientId(gw7, 'any-id', 'gw:7'));
  assert.ok(!authorizeClientId(gw7, 'any-id', identityKey(cloud)));
  assert.ok(!authorizeClientId(gw7, 'any-id', 'gw:8'));
  assert.ok(authorizeClientId(gw7, 'gw-7', undefined));
  assert.ok(!authorizeClientId(gw7, 'gw-8', undefined), 'the gateway id pattern belongs to its gateway');
  assert.ok(!authorizeClientId(gw7, 'gw:8', undefined));
  assert.ok(!authorizeClientId(gw7, 'cloud-x', undefined));
  assert.ok(authorizeClientId(cloud, 'cloud-x', undefined));
  assert.ok(!authorizeClientId(cloud, 'gw-7', undefined));
  assert.ok(!authorizeClientId(gw7, 'w1/gw-8', undefined), 'in a namespace too (DESIGN §13)');
  assert.ok(authorizeClientId(gw7, 'w1/gw-7', undefined));
  assert.ok(!authorizeClientId(gw7, 'w1/cloud-x', undefined));
});

test('namespaces (DESIGN §13): the same rules hold with one namespace level before the root', () => {
  assert.ok(authorizePublish(gw7, 'w1/kexin/v1/gw/7/status', true));
  assert.ok(authorizePublish(gw7, 'w1/kexin/v1/gw/7/event', false));
  assert.ok(!authorizePublish(gw7, 'w1/kexin/v1/gw/8/status', true));
  assert.ok(!authorizePublish(gw7, 'w1/kexin/v1/gw/7/cmd', false));
  assert.ok(!authorizePublish(gw7, 'a/b/kexin/v1/gw/7/status', true), 'two levels are no namespace');
  assert.ok(!authorizePublish(gw7, '+/kexin/v1/gw/7/status', true));
  assert.ok(authorizePublish(cloud, 'w1/kexin/v1/gw/7/cmd', false));
  assert.ok(authorizeSubscribe(gw7, 'w1/kexin/v1/gw/7/cmd'));
  for (const f of ['w1/kexin/v1/gw/8/cmd', '+/kexin/v1/gw/7/cmd', '+/kexin/v1/gw/+/cmd', 'w1/#', 'w1/kexin/v1/gw/+/cmd']) assert.ok(!authorizeSubscribe(gw7, f), f);
  assert.ok(authorizeSubscribe(cloud, 'w1/kexin/v1/gw/+/status'));
  assert.ok(!authorizeSubscribe(cloud, '+/kexin/v1/gw/+/status'), 'a namespace is one world, never a wildcard');
  assert.ok(authenticate({ username: 'gw:7', password: pw('gw7-secret'), will: { topic: 'w1/kexin/v1/gw/7/status', retain: true } }, cfg).ok);
  assert.ok(!authenticate({ username: 'gw:7', password: pw('gw7-secret'), will: { topic: 'w1/kexin/v1/gw/8/status', retain: true } }, cfg).ok);
});
