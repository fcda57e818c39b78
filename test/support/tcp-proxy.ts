import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 that a test controls, standing for the network between a desk and its
 * center: `cut()` resets every connection and refuses new ones (a link down), `blackhole()` keeps
 * connections open but drops what the center sends back (replies lost in a silent cut), `restore()`
 * carries traffic again.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private mode: 'up' | 'cut' | 'blackhole' = 'up';
  private constructor(private readonly server: Server, readonly port: number) {}

  static async start(targetPort: number): Promise<TcpProxy> {
    let proxy!: TcpProxy;
    const server = createServer((client) => {
      if (proxy.mode === 'cut') {
        client.resetAndDestroy();
        return;
      }
      const upstream = connect(targetPort, '127.0.0.1');
      proxy.sockets.add(client);
      proxy.sockets.add(upstream);
      client.on('data', (d) => { if (proxy.mode === 'up' || proxy.mode === 'blackhole') upstream.write(d); });
      upstream.on('data', (d) => { if (proxy.mode === 'up') client.write(d); });
      const end = () => { client.destroy(); upstream.destroy(); proxy.sockets.delete(client); proxy.sockets.delete(upstream); };
      client.on('close', end);
      upstream.on('close', end);
      client.on('error', end);
      upstream.on('error', end);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    proxy = new TcpProxy(server, (server.address() as { port: number }).port);
    return proxy;
  }

  cut(): void {
    this.mode = 'cut';
    for (const s of this.sockets) s.resetAndDestroy();
    this.sockets.clear();
  }

  blackhole(): void {
    this.mode = 'blackhole';
  }

  restore(): void {
    this.mode = 'up';
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
