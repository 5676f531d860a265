import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SHARD_FD_RESERVE, openFileLimit, shardFdProblem, shardsThatFit } from './fleet-fds.ts';

// DESIGN §13 fleets: a shard that would run out of descriptors says so at start, with the shard count that fits.
test('shardFdProblem: a shard under its limit fits; one over it names the limit and the shard count that fits', () => {
  const limit = 20_000;
  assert.equal(shardFdProblem({ shardGateways: limit - SHARD_FD_RESERVE, fleetGateways: 10_000, shardCount: 1, fdLimit: limit }), null);
  const problem = shardFdProblem({ shardGateways: 25_000, fleetGateways: 100_000, shardCount: 4, fdLimit: limit });
  assert.ok(problem !== null);
  assert.match(problem, /open-file limit of 20000/);
  assert.match(problem, /at least 6 shards \(--shard K\/6\)/);
});

test('shardsThatFit: the fewest shards each under the limit; none when the reserve alone exceeds it', () => {
  assert.equal(shardsThatFit(10_000, 20_000), 1);
  assert.equal(shardsThatFit(100_000, 20_000), Math.ceil(100_000 / (20_000 - SHARD_FD_RESERVE)));
  assert.equal(shardsThatFit(10, SHARD_FD_RESERVE), null);
});

test('openFileLimit: a positive number on Linux', { skip: process.platform !== 'linux' }, () => {
  const limit = openFileLimit();
  assert.ok(limit === null || limit > 0);
});
