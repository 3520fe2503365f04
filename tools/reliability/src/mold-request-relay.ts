import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { TEST_HOST } from '@tickwire/testing';

/**
 * A UDP relay on loopback between a MoldUDP64 consumer and the exchange simulator's re-request server:
 * requests go on to the server, its retransmissions come back to the requester. `cut()` makes the
 * re-request server unreachable (everything dropped both ways) without touching the simulator;
 * `restore()` brings it back.
 */
export class MoldRequestRelay {
  /** Datagrams passed on (requests and retransmissions). */
  forwarded = 0;
  /** Datagrams dropped while cut. */
  dropped = 0;
  private isCut = false;
  private requester: RemoteInfo | undefined;

  private constructor(
    private readonly front: Socket,
    private readonly back: Socket,
    /** Where the consumer sends its requests (`request=127.0.0.1:<port>`). */
    readonly port: number,
  ) {}

  /** Listens on a free loopback port and relays to the re-request server on `serverPort`. */
  static async start(serverPort: number): Promise<MoldRequestRelay> {
    const bind = (socket: Socket): Promise<number> => new Promise((resolve) => socket.bind(0, TEST_HOST, () => resolve(socket.address().port)));
    const front = createSocket('udp4');
    const back = createSocket('udp4');
    const relay = new MoldRequestRelay(front, back, await bind(front));
    await bind(back);
    front.on('message', (datagram, from) => {
      if (relay.pass()) {
        relay.requester = from;
        back.send(datagram, serverPort, TEST_HOST);
      }
    });
    back.on('message', (datagram) => {
      const to = relay.requester;
      if (relay.pass() && to !== undefined) front.send(datagram, to.port, to.address);
    });
    return relay;
  }

  cut(): void {
    this.isCut = true;
  }

  restore(): void {
    this.isCut = false;
  }

  async close(): Promise<void> {
    await Promise.all([this.front, this.back].map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))));
  }

  private pass(): boolean {
    if (this.isCut) this.dropped++;
    else this.forwarded++;
    return !this.isCut;
  }
}
