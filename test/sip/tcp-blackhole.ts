/**
 * A TCP relay that can turn into a black hole: connections stay open but nothing passes and
 * nothing is closed, which is what a dropped Wi-Fi or an expired NAT entry looks like to the
 * softphone. Killing the server cannot show this: the kernel closes its sockets at once.
 */
import net from "node:net";

export class TcpBlackhole {
  private frozen = false;
  private readonly sockets = new Set<net.Socket>();

  private constructor(private readonly server: net.Server, readonly port: number) {}

  static async start(targetHost: string, targetPort: number): Promise<TcpBlackhole> {
    let relay: TcpBlackhole | undefined;
    const server = net.createServer((client) => relay?.accept(client, targetHost, targetPort));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (!address || typeof address !== "object") throw new Error("relay has no port");
    relay = new TcpBlackhole(server, address.port);
    return relay;
  }

  /** From now on every byte in either direction is dropped; sockets stay open. */
  freeze(): void {
    this.frozen = true;
  }

  thaw(): void {
    this.frozen = false;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket, host: string, port: number): void {
    this.track(client);
    if (this.frozen) return; // accepted, never answered
    const upstream = net.connect({ host, port });
    this.track(upstream);
    client.on("data", (data) => {
      if (!this.frozen) upstream.write(data);
    });
    upstream.on("data", (data) => {
      if (!this.frozen) client.write(data);
    });
    // A close is news the peer would get only while the path works.
    client.on("close", () => {
      if (!this.frozen) upstream.destroy();
    });
    upstream.on("close", () => {
      if (!this.frozen) client.destroy();
    });
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => this.sockets.delete(socket));
  }
}
