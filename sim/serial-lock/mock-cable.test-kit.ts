import { SerialPortMock } from 'serialport';
import type { SerialBinding } from './port-keeper.ts';

// The mock binding as serialport itself loads it: `@serialport/binding-mock` imported from ESM is
// a second copy with its own port table, so ports must be created through this one.
const MOCK = SerialPortMock.binding;
type MockPort = Awaited<ReturnType<typeof MOCK.open>>;
type OpenOptions = Parameters<typeof MOCK.open>[0];

/** Read rejections that are not `canceled` make serialport treat the port as disconnected. */
class UnpluggedError extends Error {
  constructor() {
    super('cable unplugged');
  }
}

/** One end of the cable: a mock port whose writes arrive at the other end. */
class CableEnd {
  private rejectPending: (err: Error) => void = () => {};
  private readonly unplugged: Promise<never>;

  constructor(private readonly inner: MockPort, private readonly cable: MockCable) {
    this.unplugged = new Promise<never>((_, reject) => (this.rejectPending = reject));
    this.unplugged.catch(() => {});
  }

  get openOptions(): MockPort['openOptions'] {
    return this.inner.openOptions;
  }

  get isOpen(): boolean {
    return this.inner.isOpen;
  }

  /** Bytes from the other end. */
  receive(bytes: Buffer): void {
    if (this.inner.isOpen) this.inner.emitData(bytes);
  }

  unplug(): void {
    this.rejectPending(new UnpluggedError());
  }

  read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
    return Promise.race([this.inner.read(buffer, offset, length), this.unplugged]);
  }

  async write(buffer: Buffer): Promise<void> {
    if (!this.cable.plugged) throw new UnpluggedError();
    await this.inner.write(buffer);
    this.cable.carry(this, buffer);
  }

  async close(): Promise<void> {
    this.cable.detach(this);
    await this.inner.close();
  }

  update(options: Parameters<MockPort['update']>[0]): Promise<void> {
    return this.inner.update(options);
  }
  set(options: Parameters<MockPort['set']>[0]): Promise<void> {
    return this.inner.set(options);
  }
  get(): ReturnType<MockPort['get']> {
    return this.inner.get();
  }
  getBaudRate(): Promise<{ baudRate: number }> {
    return this.inner.getBaudRate();
  }
  flush(): Promise<void> {
    return this.inner.flush();
  }
  drain(): Promise<void> {
    return this.inner.drain();
  }
}

/**
 * A null-modem cable between two mock serial ports, for tests without a pty: pass `binding` to
 * both the host and the lock, each opening its own path. `unplug()` disconnects both ends (their
 * reads fail, so serialport closes them) and refuses opens until `replug()`.
 */
export class MockCable {
  plugged = true;
  readonly binding: SerialBinding;
  private readonly ends = new Map<string, CableEnd>();
  private readonly faults: Array<{ fromPath: string; kind: 'lose' | 'corrupt'; left: number }> = [];

  constructor(readonly hostPath: string, readonly lockPath: string) {
    MOCK.createPort(hostPath);
    MOCK.createPort(lockPath);
    this.binding = {
      list: () => MOCK.list(),
      open: async (options: OpenOptions) => {
        if (options.path !== hostPath && options.path !== lockPath) throw new Error(`no cable end at ${options.path}`);
        if (!this.plugged) {
          await new Promise((r) => setImmediate(r));
          throw new Error(`${options.path}: no such device (cable unplugged)`);
        }
        const end = new CableEnd(await MOCK.open(options), this);
        this.ends.set(options.path, end);
        return end;
      },
    };
  }

  /** Pull the cable: both ends see a disconnect. */
  unplug(): void {
    this.plugged = false;
    for (const end of this.ends.values()) end.unplug();
  }

  /** Plug it back in: the ends may open again. */
  replug(): void {
    this.plugged = true;
  }

  /** Fault: the next `writes` writes made at `fromPath` never arrive. */
  lose(fromPath: string, writes = 1): void {
    this.faults.push({ fromPath, kind: 'lose', left: writes });
  }

  /** Fault: the next `writes` writes made at `fromPath` arrive with their last byte flipped (bad CRC). */
  corrupt(fromPath: string, writes = 1): void {
    this.faults.push({ fromPath, kind: 'corrupt', left: writes });
  }

  /** @internal Deliver bytes written at `from` to the other end, if it is open, applying faults. */
  carry(from: CableEnd, bytes: Buffer): void {
    if (!this.plugged) return;
    let out: Buffer | null = bytes;
    const fromPath = [...this.ends].find(([, e]) => e === from)?.[0];
    const fault = this.faults.find((f) => f.fromPath === fromPath && f.left > 0);
    if (fault) {
      fault.left--;
      out = fault.kind === 'lose' ? null : Buffer.from(bytes);
      if (out && out.length > 0) out[out.length - 1] = out[out.length - 1]! ^ 0xff;
    }
    if (!out) return;
    for (const end of this.ends.values()) if (end !== from) end.receive(out);
  }

  /** @internal An end closed. */
  detach(end: CableEnd): void {
    for (const [path, e] of this.ends) if (e === end) this.ends.delete(path);
  }
}
