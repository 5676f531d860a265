import { createServer } from 'node:net';

/**
 * A loopback TCP port that was free a moment ago (bound on port 0, then closed), for a separate process
 * that must be told its port before it starts. Another process may take it meanwhile: use port 0 and read
 * the bound address wherever the server is ours.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().once('error', reject);
    s.listen(0, host, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
