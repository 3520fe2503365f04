import { SubscriptionMode, SubscriptionResultCode } from '@tickwire/protocol';
import type { EdgeTestClient } from '@tickwire/testing';

/**
 * A client that subscribes and unsubscribes random symbols, one message per `step()`, and knows what the edge
 * holds for it. The edge applies a connection's messages in order (a subscribe holds the symbol at once,
 * before its snapshot arrives), so the symbols it holds follow from what was sent.
 */
export class SubscriptionChurner {
  readonly held = new Set<string>();
  sent = 0;

  constructor(
    readonly client: EdgeTestClient,
    private readonly symbols: readonly string[],
    /** Past this many held symbols it only unsubscribes. */
    private readonly maxHeld: number,
  ) {}

  step(): void {
    const unsubscribe = this.held.size >= this.maxHeld || (this.held.size > 0 && Math.random() < 0.5);
    if (unsubscribe) {
      const symbol = [...this.held][Math.floor(Math.random() * this.held.size)]!;
      this.held.delete(symbol);
      this.client.send({ body: { $case: 'unsubscribe', value: { symbols: [symbol] } } });
    } else {
      const symbol = this.symbols[Math.floor(Math.random() * this.symbols.length)]!;
      this.held.add(symbol);
      this.client.subscribe([symbol], SubscriptionMode.FULL);
    }
    this.sent++;
  }

  /** Subscribe results other than ok / already subscribed, plus error messages (a well-behaved churner gets none). */
  refusals(): number {
    let refused = 0;
    for (const m of this.client.received) {
      if (m.body?.$case === 'error') refused++;
      else if (m.body?.$case === 'subscribeAck') for (const r of m.body.value.results) if (r.code !== SubscriptionResultCode.OK && r.code !== SubscriptionResultCode.ALREADY_SUBSCRIBED) refused++;
    }
    return refused;
  }
}

/** Every churner steps every `1000 / messagesPerSec` ms until `durationMs` is over. */
export function churn(churners: readonly SubscriptionChurner[], messagesPerSec: number, durationMs: number): Promise<void> {
  const deadline = Date.now() + durationMs;
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (Date.now() >= deadline) {
        clearInterval(timer);
        resolve();
        return;
      }
      for (const churner of churners) churner.step();
    }, 1_000 / messagesPerSec);
  });
}
