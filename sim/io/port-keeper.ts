import { stat } from 'node:fs/promises';
import { SerialPort, type SerialPortMock } from 'serialport';

type SerialPortOptions = ConstructorParameters<typeof SerialPort>[0];
type MockBinding = typeof SerialPortMock.binding;

/**
 * A serialport binding (structurally `@serialport/bindings-interface`'s BindingInterface, whose
 * types do not resolve from ESM): the OS one by default, the mock or a `MockCable` in tests.
 */
export interface SerialBinding {
  list(): Promise<unknown[]>;
  open(options: Parameters<MockBinding['open']>[0]): Promise<unknown>;
}

export interface PortKeeperOptions {
  path: string;
  /** Default 115200 (DESIGN §6: 115200 8N1). */
  baudRate?: number;
  /** Default: serialport's binding for this OS. */
  binding?: SerialBinding;
  /** Wait between attempts to (re)open the port, and between device checks, ms. Default 500. */
  reopenMs?: number;
  /** Every chunk received. */
  onData(chunk: Buffer): void;
  /** The port is open (first time and after every reconnect). */
  onOpen?(): void;
  /** The port went away (unplugged, pty closed, I/O error); not called for `close()`. */
  onClose?(reason: string): void;
  log?(line: string): void;
}

/** How long `close()` waits for the OS to close the port, ms. */
const CLOSE_BOUND_MS = 1000;

function openPort(path: string, baudRate: number, binding: SerialBinding | undefined): SerialPort {
  const options: SerialPortOptions = { path, baudRate, autoOpen: false };
  // SerialPort spreads its options over the OS binding, so an injected `binding` takes its place.
  return new SerialPort(binding ? Object.assign(options, { binding }) : options);
}

/** Which device a path names now (dev and inode after following links), or null if none. */
async function deviceAt(path: string): Promise<string | null> {
  try {
    const s = await stat(path);
    return `${s.rdev}:${s.dev}:${s.ino}`;
  } catch {
    return null;
  }
}

/**
 * Keeps one serial port open: opens it, and whenever it closes or cannot be opened tries again
 * every `reopenMs` until `close()`. Each (re)open uses a fresh SerialPort object, because writes
 * queued on a disconnected one never call back.
 *
 * On the OS binding it also checks every `reopenMs` that the path still names the device it
 * opened: a hung-up pty slave reads 0 bytes forever, which serialport's Linux binding retries
 * without ever reporting a disconnect, so a vanished or replaced device is the reliable signal.
 */
export class PortKeeper {
  /** Successful opens after the first. */
  reconnects = 0;
  private port: SerialPort | undefined;
  private opened = false;
  private opens = 0;
  private closed = false;
  private lastOpenError = '';
  private timer: NodeJS.Timeout | undefined;
  private watchTimer: NodeJS.Timeout | undefined;
  private readonly waiters = new Set<(open: boolean) => void>();

  constructor(private readonly opts: PortKeeperOptions) {
    this.open();
  }

  get isOpen(): boolean {
    return this.opened;
  }

  /** Write if the port is open; returns false (and writes nothing) when it is not. Never waits. */
  write(bytes: Buffer): boolean {
    const port = this.port;
    if (!this.opened || !port) return false;
    port.write(bytes, (err) => {
      if (err) this.opts.log?.(`write failed: ${err.message}`);
    });
    return true;
  }

  /** Resolves true once the port is open, false after `timeoutMs` or on `close()`. */
  whenOpen(timeoutMs: number): Promise<boolean> {
    if (this.opened) return Promise.resolve(true);
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (open: boolean): void => {
        clearTimeout(t);
        this.waiters.delete(done);
        resolve(open);
      };
      const t = setTimeout(() => done(false), timeoutMs);
      this.waiters.add(done);
    });
  }

  /** Stop reopening and close the port (bounded wait). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    clearTimeout(this.watchTimer);
    for (const w of [...this.waiters]) w(false);
    const port = this.port;
    this.port = undefined;
    const wasOpen = this.opened;
    this.opened = false;
    if (port && wasOpen) await closeBounded(port);
  }

  private get reopenMs(): number {
    return this.opts.reopenMs ?? 500;
  }

  private open(): void {
    if (this.closed) return;
    const port = openPort(this.opts.path, this.opts.baudRate ?? 115200, this.opts.binding);
    this.port = port;
    port.on('error', (err: Error) => this.opts.log?.(`port error: ${err.message}`));
    port.on('data', (chunk: Buffer) => {
      if (this.port === port) this.opts.onData(chunk);
    });
    port.on('close', () => this.lost(port, 'port closed'));
    port.open((err) => {
      if (this.port !== port) {
        if (!err) void closeBounded(port);
        return;
      }
      if (err) {
        this.port = undefined;
        // Retried every reopenMs: say why once, not on every attempt.
        if (err.message !== this.lastOpenError) this.opts.log?.(`cannot open ${this.opts.path}: ${err.message}; retrying`);
        this.lastOpenError = err.message;
        this.schedule();
        return;
      }
      this.lastOpenError = '';
      this.opened = true;
      if (this.opens++ > 0) this.reconnects++;
      this.opts.log?.(`open ${this.opts.path}`);
      if (!this.opts.binding) void this.watch(port);
      this.opts.onOpen?.();
      for (const w of [...this.waiters]) w(true);
    });
  }

  /** OS binding only: treat the port as lost once its path no longer names the opened device. */
  private async watch(port: SerialPort): Promise<void> {
    const opened = await deviceAt(this.opts.path);
    const check = async (): Promise<void> => {
      const now = await deviceAt(this.opts.path);
      if (this.port !== port) return;
      if (now === null || now !== opened) {
        // A replaced device is already there to open: no need to wait reopenMs.
        this.lost(port, now === null ? 'device gone' : 'device replaced', now === null ? this.reopenMs : 0);
        void closeBounded(port);
        return;
      }
      this.watchTimer = setTimeout(() => void check(), this.reopenMs);
    };
    await check();
  }

  private lost(port: SerialPort, reason: string, reopenInMs = this.reopenMs): void {
    if (this.port !== port) return;
    clearTimeout(this.watchTimer);
    this.port = undefined;
    this.opened = false;
    this.opts.log?.(`${reason}: ${this.opts.path}`);
    this.opts.onClose?.(reason);
    this.schedule(reopenInMs);
  }

  private schedule(delayMs = this.reopenMs): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.open(), delayMs);
  }
}

/** Close a port, waiting at most CLOSE_BOUND_MS (a port on a vanished device may never answer). */
function closeBounded(port: SerialPort): Promise<void> {
  if (!port.isOpen) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const t = setTimeout(resolve, CLOSE_BOUND_MS);
    port.close(() => {
      clearTimeout(t);
      resolve();
    });
  });
}
