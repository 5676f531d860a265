import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { exitOf, stopChild } from './child-exit.ts';
import { withTimeout } from './timeout.ts';

/** A node child that prints `ready` once its SIGTERM handler is in place (a loaded machine starts node slowly). */
async function childWithHandler(onTerm: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', `process.on('SIGTERM', () => { ${onTerm} }); console.log('ready'); setTimeout(() => {}, 10000)`]);
  await withTimeout(once(child.stdout!, 'data'), 10_000, 'the child to print ready');
  return child;
}

test('exitOf gives the exit code of a child that exits, and null for one still running at the bound', async () => {
  const quick = spawn(process.execPath, ['-e', 'process.exit(3)']);
  assert.equal(await exitOf(quick, 5000), 3);
  assert.equal(await exitOf(quick, 10), 3, 'an exited child answers at once');
  const slow = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)']);
  try {
    assert.equal(await exitOf(slow, 100), null);
  } finally {
    slow.kill('SIGKILL');
  }
});

test('stopChild ends a running child with SIGTERM and reports its exit; one that ignores it is killed and reported null', async () => {
  const polite = await childWithHandler('process.exit(0);');
  assert.equal(await stopChild(polite, 3000), 0);
  const stubborn = await childWithHandler('');
  assert.equal(await stopChild(stubborn, 200), null);
  assert.notEqual(await exitOf(stubborn, 3000), undefined);
  assert.ok(stubborn.killed, 'SIGKILL sent');
});
