/** The sequence diagram's model and page (DESIGN §14): one arrow per wire-log entry, between the right participants. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WireLog } from '../client/wire-log.ts';
import { messageOf, sequenceOf } from './sequence-model.ts';
import { sequenceHtml } from './sequence-html.ts';
import { withCheckIds } from './junit-ids.ts';
import { gatewayTopic } from '../../sim/protocol/index.ts';

const entry = (kind: 'http' | 'control' | 'mqtt' | 'push' | 'serial', summary: string) => ({ ms: 0, kind, summary });

test('each kind of entry goes between its participants', () => {
  const arrow = (kind: Parameters<typeof entry>[0], summary: string) => {
    const m = messageOf(entry(kind, summary), 0);
    return `${m.from}>${m.to}${m.via.length ? ` via ${m.via.join(',')}` : ''}${m.exchange ? ' ⇄' : ''}`;
  };
  assert.equal(arrow('http', 'POST /third/lock/open → 200 code 200'), 'client>cloud ⇄');
  assert.equal(arrow('control', 'POST /clock → 200'), 'client>control ⇄');
  assert.equal(arrow('mqtt', 'kexin/v1/gw/1000002/cmd'), 'cloud>gateway via broker');
  assert.equal(arrow('mqtt', 'kexin/v1/gw/1000002/ack'), 'gateway>cloud via broker');
  assert.equal(arrow('mqtt', 'w3/kexin/v1/gw/7/status'), 'gateway>cloud via broker');
  assert.equal(arrow('mqtt', 'kexin/v1/gw/7/nonsense'), 'gateway>broker');
  // The topics the world really uses (DESIGN §4), not a copy of their shape.
  assert.equal(arrow('mqtt', gatewayTopic(7, 'cmd', '')), 'cloud>gateway via broker');
  for (const k of ['status', 'ack', 'event'] as const) assert.equal(arrow('mqtt', gatewayTopic(7, k, '')), 'gateway>cloud via broker');
  assert.equal(arrow('serial', 'tx 7e01'), 'gateway>lock');
  assert.equal(arrow('serial', 'rx 7e02'), 'lock>gateway');
  assert.equal(arrow('push', '→ app_test type 2'), 'cloud>push receiver');
});

test('lifelines: client and cloud always, others only when used, in a fixed order', () => {
  assert.deepEqual(sequenceOf([entry('http', 'x')]).participants, ['client', 'cloud']);
  assert.deepEqual(sequenceOf([entry('serial', 'tx 7e'), entry('push', '→ a type 1'), entry('mqtt', 'kexin/v1/gw/1/cmd')]).participants, ['client', 'cloud', 'broker', 'gateway', 'lock', 'push receiver']);
});

test('the page has one arrow per entry in log order, world time on the left, payload escaped and whole in the title', () => {
  const wire = new WireLog();
  wire.useWorldClock(() => 1_700_000_000.5);
  wire.add('http', 'POST /third/lock/get → 200 code 200', { request: { name: '<script>' } });
  wire.add('mqtt', 'kexin/v1/gw/9/cmd', { op: 'unlock', app_secret: 'hush' });
  const html = sequenceHtml({ title: 't', header: { seed: 5 }, startedAt: wire.startedAt, entries: wire.entries });
  assert.deepEqual([...html.matchAll(/<g class="msg" data-index="(\d+)" data-kind="(\w+)"/g)].map((m) => `${m[1]} ${m[2]}`), ['0 http', '1 mqtt']);
  assert.match(html, /W 2023-11-14T22:13:20\.500Z/);
  assert.doesNotMatch(html, /<script>/);
  assert.doesNotMatch(html, /hush/, 'secrets are redacted before they reach the page');
  assert.match(html, /LOCKBENCH_SEED=5/);
});

test('the wire log text names the seed and carries real and world time per entry', () => {
  const wire = new WireLog();
  wire.header.seed = 77;
  wire.useWorldClock(() => 1_700_000_000);
  wire.add('push', '→ app_test type 2', { type: 2 });
  const text = wire.toText();
  assert.match(text, /^# seed 77 \(replay: LOCKBENCH_SEED=77\)/m);
  assert.match(text, /^\[\+\s+\d+\.\d ms W 2023-11-14T22:13:20\.000Z\] push/m);
});

test('JUnit names get the check IDs of their test, once', () => {
  const xml = '<testcase name="a &amp; b" classname="x.spec.ts" time="1">\n<testcase name="c @SIGN-01" classname="x.spec.ts" time="1">\n<testcase name="d" classname="y.spec.ts">';
  const tags: Record<string, string[]> = { 'x.spec.ts a & b': ['@PWD-05', '@slow'], 'x.spec.ts c @SIGN-01': ['@SIGN-01'] };
  const out = withCheckIds(xml, (c, n) => tags[`${c} ${n}`]);
  assert.equal(out, '<testcase name="a &amp; b @PWD-05" classname="x.spec.ts" time="1">\n<testcase name="c @SIGN-01" classname="x.spec.ts" time="1">\n<testcase name="d" classname="y.spec.ts">');
});

test('JUnit names carry their project: the same test of two profiles gets two names, each with its IDs (DESIGN §14)', () => {
  const suite = (p: string) => `<testsuite name="x.spec.ts" timestamp="t" hostname="${p}" tests="1">\n<testcase name="[${p}] a" classname="x.spec.ts" time="1">\n</testsuite>`;
  const xml = `${suite('sim · kexin-2017-03')}\n${suite('sim · kexin-2017-10')}`;
  const tags: Record<string, string[]> = { 'sim · kexin-2017-03 x.spec.ts a': ['@PWD-05'], 'sim · kexin-2017-10 x.spec.ts a': ['@PWD-03'] };
  const out = withCheckIds(xml, (c, n, p) => tags[`${p} ${c} ${n}`]);
  const names = [...out.matchAll(/<testcase name="([^"]*)"/g)].map((m) => m[1]);
  assert.deepEqual(names, ['[sim · kexin-2017-03] a @PWD-05', '[sim · kexin-2017-10] a @PWD-03']);
});
