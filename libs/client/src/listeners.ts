/**
 * Typed listener lists. Adding or removing a listener copies its list, so emitting iterates a stable array
 * and allocates nothing. A listener that throws does not stop the others or the client's own processing:
 * its error is rethrown in a microtask (an uncaught error, as from an EventEmitter listener).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyListener = (...args: any[]) => void;
export type ListenerMap<Events> = { [E in keyof Events]: AnyListener };

function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

export class Listeners<Events extends ListenerMap<Events>> {
  private readonly lists = new Map<keyof Events, readonly AnyListener[]>();

  add<E extends keyof Events>(event: E, listener: Events[E]): () => void {
    if (typeof listener !== 'function') throw new TypeError(`listener for '${String(event)}' must be a function`);
    this.lists.set(event, [...(this.lists.get(event) ?? []), listener]);
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      const list = this.lists.get(event) ?? [];
      const i = list.indexOf(listener);
      if (i >= 0) this.lists.set(event, [...list.slice(0, i), ...list.slice(i + 1)]);
    };
  }

  has(event: keyof Events): boolean {
    return (this.lists.get(event)?.length ?? 0) > 0;
  }

  emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    const list = this.lists.get(event);
    if (list === undefined) return;
    for (let i = 0; i < list.length; i++) {
      try {
        list[i]!(...args);
      } catch (error) {
        rethrowLater(error);
      }
    }
  }

  clear(): void {
    this.lists.clear();
  }
}
