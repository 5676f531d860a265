import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LockEvent } from '../protocol/index.ts';
import { EVENT_LOG_SIZE, EventLog } from './event-log.ts';

const tamper = (n: number): LockEvent => ({ type: 'tamper', lock_id: n, is_abnormal: true });

// The lists are made on first use (DESIGN §13 memory per lock); what subscribers and the control API see is unchanged.
test('EventLog: a listener subscribed twice is called twice and unsubscribed once per off; off twice is harmless', () => {
  const log = new EventLog();
  const seen: number[] = [];
  const listener = (ev: LockEvent): void => void seen.push(ev.lock_id);
  const off1 = log.on(listener);
  const off2 = log.on(listener);
  log.emit(tamper(1));
  off1();
  off1();
  log.emit(tamper(2));
  off2();
  log.emit(tamper(3));
  assert.deepEqual(seen, [1, 1, 2]);
});

test('EventLog: a listener that unsubscribes while called does not stop the others of that event', () => {
  const log = new EventLog();
  const seen: string[] = [];
  const offA = log.on(() => { seen.push('a'); offA(); });
  log.on(() => void seen.push('b'));
  log.emit(tamper(1));
  log.emit(tamper(2));
  assert.deepEqual(seen, ['a', 'b', 'b']);
});

test('EventLog: events() is empty before any event and keeps the last EVENT_LOG_SIZE, oldest first, as copies', () => {
  const log = new EventLog();
  assert.deepEqual(log.events(), []);
  for (let i = 1; i <= EVENT_LOG_SIZE + 5; i++) log.emit(tamper(i));
  const events = log.events();
  assert.equal(events.length, EVENT_LOG_SIZE);
  assert.equal(events[0]!.lock_id, 6);
  events[0]!.lock_id = 0;
  assert.equal(log.events()[0]!.lock_id, 6);
});
