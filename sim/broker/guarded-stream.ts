import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { PacketGuard, type GuardVerdict } from './packet-guard.ts';

/**
 * The stream aedes reads a client from: the socket's bytes pass through a PacketGuard first, and
 * the socket is destroyed at the first packet over its limit — before aedes buffers it.
 */
export class GuardedStream extends Duplex {
  readonly guard: PacketGuard;
  /** Counted among the broker's connections not yet authenticated (BrokerOptions.maxPendingConnections). */
  pendingAuth = true;

  constructor(private readonly socket: Socket, preAuthMaxBytes: number, onCut: (why: GuardVerdict) => void) {
    super();
    this.guard = new PacketGuard(preAuthMaxBytes);
    socket.on('data', (chunk: Buffer) => {
      const verdict = this.guard.feed(chunk);
      if (verdict !== 'ok') {
        onCut(verdict);
        socket.destroy();
        return;
      }
      if (!this.push(chunk)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('close', () => this.destroy());
    socket.on('error', (err) => this.destroy(err));
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.socket.destroyed) return cb();
    this.socket.write(chunk, () => cb());
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.socket.end(cb);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.socket.destroy();
    cb(err);
  }
}
