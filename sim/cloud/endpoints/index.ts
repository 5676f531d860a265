import type { AnyEndpoint } from '../endpoint.ts';
import { faceOpen } from './face-open.ts';
import { lockByMacGet, lockGet } from './lock-info.ts';
import { lockOpen, lockStateGet } from './remote-open.ts';
import { tempPasswordGet } from './temp-password.ts';
import { timeSyncResult, timeSyncSeqGet } from './time-sync.ts';
import { userPasswordDel, userPasswordGet, userPasswordOpen } from './user-password.ts';

/** Every endpoint of DESIGN §3.3 by path; a profile decides which of them answer. */
export const ENDPOINT_SPECS: ReadonlyMap<string, AnyEndpoint> = new Map(
  [
    lockGet, lockByMacGet, lockOpen, faceOpen, lockStateGet, tempPasswordGet, timeSyncSeqGet, timeSyncResult,
    userPasswordGet, userPasswordDel, userPasswordOpen,
  ].map((e) => [e.path, e]),
);
