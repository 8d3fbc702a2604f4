/** Network stand-ins for connector and connection tests. */
import { createServer, type Server, type Socket } from 'node:net';

/** A TCP server on 127.0.0.1 that accepts connections and never answers (a hung or firewalled server). */
export async function blackHole(port = 0): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
