import assert from 'node:assert/strict';
import { test } from 'node:test';
import { leftWrongCodes } from './api-settle.ts';
import type { WireEntry } from '../../client/wire-log.ts';

const http = (summary: string): WireEntry => ({ ms: 0, kind: 'http', summary });

test('a refused v2/lock/open (326, 357, 365 or their 2017-10 codes) is what a settle clears; opens that worked and other calls are not', () => {
  assert.equal(leftWrongCodes([http('POST /third/v2/lock/open → 200 code 326')]), true);
  assert.equal(leftWrongCodes([http('POST /third/v2/lock/open → 403 code 403013')]), true);
  assert.equal(leftWrongCodes([http('POST /third/v2/lock/open → 200 code 200')]), false);
  assert.equal(leftWrongCodes([http('POST /third/v2/lock/pwd/get → 200 code 357'), http('POST /third/lock/open → 200 code 359')]), false);
  assert.equal(leftWrongCodes([{ ms: 0, kind: 'control', summary: 'POST /third/v2/lock/open → 200 code 326' }]), false);
});
