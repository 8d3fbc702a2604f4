/** Network stand-ins for connector and connection tests. */
import { connect, createServer, type Server, type Socket } from 'node:net';

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

/**
 * A TCP proxy on 127.0.0.1 in front of 127.0.0.1:`targetPort`, which a test can cut (a network
 * outage between a client and its server) and restore. `cut()` resets every open connection,
 * both the client's side and the server's, and resets each new one as soon as it is accepted
 * until `restore()`; after `restore()` new connections are forwarded again.
 */
export async function tcpProxy(targetPort: number): Promise<{ port: number; cut(): void; restore(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let isCut = false;
  // resetAndDestroy: a TCP RST, as an outage or a dead host's router would give (destroy() alone sends a FIN).
  const kill = (s: Socket): void => {
    if (!s.destroyed) s.resetAndDestroy();
  };
  const server: Server = createServer((client) => {
    client.on('error', () => undefined);
    if (isCut) {
      kill(client);
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    upstream.on('error', () => undefined);
    sockets.add(client).add(upstream);
    // Either side ending ends the other: a half-forwarded connection helps no test.
    const end = (): void => {
      sockets.delete(client);
      sockets.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    cut: () => {
      isCut = true;
      for (const s of sockets) kill(s);
      sockets.clear();
    },
    restore: () => {
      isCut = false;
    },
    close: () => {
      for (const s of sockets) kill(s);
      return new Promise((r) => server.close(() => r()));
    },
  };
}
