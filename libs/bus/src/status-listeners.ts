import type { BusStatus, BusStatusListener } from './bus';

/** Holds the current status and notifies listeners on change; shared by both adapters. */
export class StatusListeners {
  private readonly listeners = new Set<BusStatusListener>();
  current: BusStatus;

  constructor(initial: BusStatus) {
    this.current = initial;
  }

  add(listener: BusStatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(status: BusStatus, detail?: string): void {
    if (status === this.current) return;
    this.current = status;
    for (const listener of this.listeners) listener(status, detail);
  }
}
