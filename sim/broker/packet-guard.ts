/**
 * Bounds MQTT packet sizes from the fixed header alone (MQTT 3.1.1 §2.2), before aedes' parser
 * buffers a byte of the body: a CONNECT announcing 200 MB is refused at its 5th byte. Pure: fed
 * chunks, it says whether the stream is still within bounds.
 */

/** Why a stream was cut. */
export type GuardVerdict = 'ok' | 'too_large' | 'not_connect' | 'malformed';

/** Packet size limits in bytes of remaining length (the packet after its fixed header). */
export interface PacketLimits {
  /** Before authentication: the CONNECT and anything pipelined after it. Default 1 KiB. */
  preAuthMaxBytes: number;
  /** A gateway's packets (its events and acks are small JSON). Default 8 KiB. */
  gatewayMaxBytes: number;
  /** The cloud's packets. Default 256 KiB. */
  cloudMaxBytes: number;
}

export const DEFAULT_PACKET_LIMITS: PacketLimits = { preAuthMaxBytes: 1024, gatewayMaxBytes: 8 * 1024, cloudMaxBytes: 256 * 1024 };

export class PacketGuard {
  private limitBytes: number;
  private first = true;
  /** Bytes of the current packet's body still to pass; -1 while reading a fixed header. */
  private bodyLeft = -1;
  private headerByte = -1;
  private length = 0;
  private lengthBytes = 0;

  constructor(preAuthMaxBytes: number) {
    this.limitBytes = preAuthMaxBytes;
  }

  /** The client authenticated: its own limit applies from the next packet on. */
  setLimit(maxBytes: number): void {
    this.limitBytes = maxBytes;
  }

  /** Account for one chunk of the stream. */
  feed(chunk: Uint8Array): GuardVerdict {
    let i = 0;
    while (i < chunk.length) {
      if (this.bodyLeft > 0) {
        const n = Math.min(this.bodyLeft, chunk.length - i);
        this.bodyLeft -= n;
        i += n;
        if (this.bodyLeft === 0) this.bodyLeft = -1;
        continue;
      }
      const b = chunk[i++]!;
      if (this.headerByte < 0) {
        // MQTT-3.1.0-1: the first packet from a client must be CONNECT (type 1).
        if (this.first && b >> 4 !== 1) return 'not_connect';
        this.first = false;
        this.headerByte = b;
        this.length = 0;
        this.lengthBytes = 0;
        continue;
      }
      // Remaining length: up to 4 bytes, 7 bits each, least significant first (§2.2.3).
      this.length += (b & 0x7f) * 128 ** this.lengthBytes++;
      if (this.length > this.limitBytes) return 'too_large';
      if (b & 0x80) {
        if (this.lengthBytes === 4) return 'malformed';
        continue;
      }
      this.headerByte = -1;
      this.bodyLeft = this.length === 0 ? -1 : this.length;
    }
    return 'ok';
  }
}
