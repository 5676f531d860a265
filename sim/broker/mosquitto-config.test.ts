import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pbkdf2Sync } from 'node:crypto';
import { cloudAcl, gatewaysDynsec, mosquittoConf, passwdLine, tapAcl } from './mosquitto-config.ts';

test('passwd lines are Mosquitto $7$ PBKDF2-SHA512 hashes that verify the password', () => {
  const salt = Buffer.from('0123456789ab');
  const line = passwdLine('cloud', 'pw', salt);
  const m = /^cloud:\$7\$101\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(line);
  assert.ok(m, line);
  assert.deepEqual(Buffer.from(m[1]!, 'base64'), salt);
  assert.deepEqual(Buffer.from(m[2]!, 'base64'), pbkdf2Sync('pw', salt, 101, 64, 'sha512'));
  // Mosquitto 2.0's password file splits at the first ":", so gw:{ap_id} cannot go there.
  assert.throws(() => passwdLine('gw:7', 'pw'), /cannot hold/);
});

test('the ACL is DESIGN §4 in the empty namespace and in any namespace (DESIGN §13)', () => {
  const acl = cloudAcl();
  for (const t of ['kexin/v1/gw/+/cmd', '+/kexin/v1/gw/+/cmd']) assert.match(acl, new RegExp(`^topic write ${t.replace(/[+/]/g, '\\$&')}$`, 'm'));
  assert.doesNotMatch(acl, /^topic (read|write|readwrite) #$/m);
  assert.doesNotMatch(acl, /topic write .*\/(status|ack|event)$/m);
  const dyn = JSON.parse(gatewaysDynsec([{ apId: 7, secret: 's7' }, { apId: 8, secret: 's8' }])) as {
    defaultACLAccess: Record<string, boolean>;
    clients: { username: string; roles: { rolename: string }[] }[];
    roles: { rolename: string; acls: { acltype: string; topic: string }[] }[];
  };
  assert.deepEqual(dyn.clients.map((c) => c.username), ['gw:7', 'gw:8']);
  assert.equal(dyn.defaultACLAccess.publishClientSend, false);
  assert.equal(dyn.defaultACLAccess.subscribe, false);
  const role7 = dyn.roles.find((r) => r.rolename === 'gw:7')!;
  // Each gateway only its own topics, written per gateway (never %u, which is the whole user name).
  assert.ok(role7.acls.every((a) => /^(\+\/)?kexin\/v1\/gw\/7\/(status|ack|event|cmd)$/.test(a.topic)), JSON.stringify(role7.acls));
  assert.ok(role7.acls.filter((a) => a.topic.endsWith('/cmd')).every((a) => a.acltype !== 'publishClientSend'));
  assert.equal(role7.acls.filter((a) => a.acltype === 'publishClientSend').length, 6);
});

test('the tap reads all four DESIGN §4 topics in both spellings and writes none (DESIGN §14)', () => {
  const acl = tapAcl();
  assert.match(acl, /^user tap$/m);
  const rules = acl.split('\n').filter((l) => l.startsWith('topic '));
  assert.equal(rules.length, 8);
  assert.ok(rules.every((l) => /^topic read (\+\/)?kexin\/v1\/gw\/\+\/(cmd|status|ack|event)$/.test(l)), rules.join('\n'));
});

test('mosquitto.conf refuses anonymous clients and names the files', () => {
  const conf = mosquittoConf({ dir: '/d', port: 1884, bind: '127.0.0.1', user: 'me' }, '/p/dynsec.so');
  for (const line of ['listener 1884 127.0.0.1', 'allow_anonymous false', 'password_file /d/passwd', 'acl_file /d/acl', 'persistence false', 'plugin_opt_config_file /d/dynamic-security.json', 'plugin /p/dynsec.so']) {
    assert.ok(conf.split('\n').includes(line), line);
  }
});
