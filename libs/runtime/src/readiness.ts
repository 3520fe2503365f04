/**
 * Readiness as the service sees it: named conditions the service sets (`bus`, `store`, `started`), plus the
 * draining flag shutdown sets. Ready only when every registered condition is true and the service is not draining.
 * With no conditions registered, readiness is only "not draining".
 *
 * `isReady()` is O(1) (a count of failing conditions is kept), so it can sit on a hot path.
 */
export interface ReadinessCondition {
  readonly name: string;
  readonly ok: boolean;
  readonly reason?: string;
}

export interface ReadinessReport {
  readonly ready: boolean;
  readonly draining: boolean;
  /** Conditions that are false, in registration order, each with the reason given to `set`, if any. */
  readonly failing: readonly ReadinessCondition[];
  readonly conditions: readonly ReadinessCondition[];
}

export class Readiness {
  readonly #conditions = new Map<string, ReadinessCondition>();
  #failing = 0;
  #draining = false;
  readonly #listeners: ((report: ReadinessReport) => void)[] = [];

  /** Calls `listener` with the new report after every change (a condition set, draining). */
  onChange(listener: (report: ReadinessReport) => void): void {
    this.#listeners.push(listener);
  }

  /**
   * Declares a condition, false until set, so `/readyz` is 503 before the dependency first reports.
   * Registering an existing condition is a no-op.
   */
  register(name: string, reason = 'not yet reported'): this {
    if (!this.#conditions.has(name)) this.#put(name, false, reason);
    return this;
  }

  /** Sets a condition (registering it if new). `reason` explains a false value in `/readyz`. */
  set(name: string, ok: boolean, reason?: string): this {
    this.#put(name, ok, reason);
    return this;
  }

  /** Marks the service draining: not ready from now on, whatever the conditions say. One-way. */
  setDraining(): void {
    this.#draining = true;
    this.#changed();
  }

  get draining(): boolean {
    return this.#draining;
  }

  isReady(): boolean {
    return !this.#draining && this.#failing === 0;
  }

  report(): ReadinessReport {
    const conditions = [...this.#conditions.values()];
    return { ready: this.isReady(), draining: this.#draining, failing: conditions.filter((c) => !c.ok), conditions };
  }

  #put(name: string, ok: boolean, reason: string | undefined): void {
    if (name === '') throw new TypeError('readiness condition name must be non-empty');
    const previous = this.#conditions.get(name);
    if (previous && !previous.ok) this.#failing--;
    if (!ok) this.#failing++;
    this.#conditions.set(name, Object.freeze(reason === undefined || ok ? { name, ok } : { name, ok, reason }));
    this.#changed();
  }

  #changed(): void {
    if (this.#listeners.length === 0) return;
    const report = this.report();
    for (const listener of this.#listeners) listener(report);
  }
}
