import type { Logger } from '@tickwire/runtime';

/** The part of a NATS KV bucket a lease needs (`@nats-io/kv` `KV`). */
export interface LeaseBucket {
  create(key: string, value: string): Promise<number>;
  update(key: string, value: string, revision: number): Promise<number>;
  delete(key: string): Promise<void>;
}

export interface LeaseListener {
  onAcquired(): void;
  onLost(reason: string): void;
}

/**
 * One holder per key at a time, through a NATS KV bucket whose entries expire after the TTL: the holder
 * renews (compare-and-set on the revision) every third of the TTL; a standby tries to create the key,
 * which succeeds once the holder stopped renewing (died) or deleted it (handed over on shutdown).
 * A holder that fails to renew stops acting as holder at once.
 */
export class LeaderLease {
  private revision = 0;
  private holding = false;
  private busy = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly bucket: LeaseBucket,
    private readonly key: string,
    private readonly owner: string,
    private readonly ttlMs: number,
    private readonly listener: LeaseListener,
    private readonly logger: Logger,
  ) {}

  get isHolder(): boolean {
    return this.holding;
  }

  start(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), Math.max(50, Math.floor(this.ttlMs / 3)));
  }

  /** Stops renewing; a holder deletes the key so a standby takes over without waiting for the TTL. */
  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (!this.holding) return;
    this.holding = false;
    try {
      await this.bucket.delete(this.key);
      this.logger.info({ event: 'lease.released', key: this.key }, 'lease released for a standby');
    } catch (error) {
      this.logger.warn({ event: 'lease.release_failed', key: this.key, err: error }, 'could not delete the lease; it expires with its TTL');
    }
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      if (this.holding) {
        try {
          this.revision = await this.bucket.update(this.key, this.owner, this.revision);
        } catch (error) {
          this.holding = false;
          this.logger.warn({ event: 'lease.lost', key: this.key, err: error }, 'lease lost: standing by');
          this.listener.onLost(String(error));
        }
      } else {
        try {
          this.revision = await this.bucket.create(this.key, this.owner);
          this.holding = true;
          this.logger.info({ event: 'lease.acquired', key: this.key, owner: this.owner }, 'lease acquired: publishing');
          this.listener.onAcquired();
        } catch {
          // Someone else holds it: stay standby.
        }
      }
    } finally {
      this.busy = false;
    }
  }
}
