import assert from 'node:assert/strict';
import { encodeFrame, FrameReader, type Frame, type JsonObject } from '../protocol/lockwire.ts';
import { FakeFirmware } from './fake-firmware.test-kit.ts';
import { MockCable } from './mock-cable.test-kit.ts';
import { PortKeeper } from '../io/port-keeper.ts';
import { SerialLock, type SerialLockOptions } from './serial-lock.ts';

/** The lock id of every rig's fake firmware. */
export const LOCK_ID = 1000001;

let rigs = 0;

/** A SerialLock on one end of a mock cable and a raw lockwire host on the other. */
export async function rig(extra: Partial<SerialLockOptions> = {}) {
  const n = ++rigs;
  const cable = new MockCable(`/mock/sl-host-${n}`, `/mock/sl-lock-${n}`);
  const fw = new FakeFirmware(LOCK_ID);
  const lock = new SerialLock({
    path: cable.lockPath, lock: fw, knobs: fw, mac: '72:00:03:16:7d:f0', firmwareVer: 't1', binding: cable.binding,
    reopenMs: 20, eventResendMs: 40, ...extra,
  });
  const frames: Frame[] = [];
  const notify = new Set<() => void>();
  const reader = new FrameReader();
  const host = new PortKeeper({
    path: cable.hostPath, binding: cable.binding, reopenMs: 20,
    onData: (c) => {
      frames.push(...reader.push(c));
      for (const f of notify) f();
    },
  });
  assert.ok(await lock.whenOpen(500), 'lock port opens');
  assert.ok(await host.whenOpen(500), 'host port opens');
  const send = (seq: number, type: 1 | 4, payload: JsonObject): void => void host.write(encodeFrame({ seq, type, payload }));
  /** Wait (bounded) until `count` frames matching `pred` have arrived. */
  const waitFrames = (pred: (f: Frame) => boolean, count = 1, timeoutMs = 500): Promise<Frame[]> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const got = frames.filter(pred);
        if (got.length < count) return;
        notify.delete(check);
        clearTimeout(t);
        resolve(got);
      };
      const t = setTimeout(() => {
        notify.delete(check);
        reject(new Error(`waited ${timeoutMs} ms for ${count} frame(s); have ${JSON.stringify(frames)}`));
      }, timeoutMs);
      notify.add(check);
      check();
    });
  const close = async (): Promise<void> => {
    await host.close();
    await lock.close();
  };
  return { cable, fw, lock, host, frames, send, waitFrames, close };
}

