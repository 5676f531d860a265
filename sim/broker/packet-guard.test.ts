import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PacketGuard } from './packet-guard.ts';

test('the guard refuses an oversized packet from its header, across chunk boundaries', () => {
  const g = new PacketGuard(1024);
  assert.equal(g.feed(Uint8Array.from([0x10, 0x80])), 'ok');
  assert.equal(g.feed(Uint8Array.from([0x80, 0x80, 0x60])), 'too_large', 'a CONNECT announcing 200 MB');
  const small = new PacketGuard(1024);
  assert.equal(small.feed(Uint8Array.from([0x10, 0x03, 1, 2])), 'ok');
  assert.equal(small.feed(Uint8Array.from([3, 0xc0, 0x00, 0x30, 0x02, 9, 9])), 'ok', 'CONNECT, PINGREQ, PUBLISH');
  small.setLimit(4);
  assert.equal(small.feed(Uint8Array.from([0x30, 0x05])), 'too_large');
  assert.equal(new PacketGuard(1024).feed(Uint8Array.from([0x30, 0x00])), 'not_connect');
  assert.equal(new PacketGuard(2 ** 30).feed(Uint8Array.from([0x10, 0xff, 0xff, 0xff, 0xff])), 'malformed');
});
