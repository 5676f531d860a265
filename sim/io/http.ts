import type { Server as HttpServer } from 'node:http';
import type { Server } from 'node:net';

/** Listen on host:port (0 = a free port); a bind error (EADDRINUSE…) rejects instead of being thrown later. */
export function listenOn<S extends Server>(server: S, port: number, host: string): Promise<S> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** Close an HTTP server and every connection it holds, keep-alive ones included. */
export function closeServer(server: HttpServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The `scheme://host:port` base URL a listening server answers on (IPv6 hosts bracketed). */
export function urlOf(server: Server, scheme = 'http'): string {
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('server is not listening on TCP');
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return `${scheme}://${host}:${addr.port}`;
}
