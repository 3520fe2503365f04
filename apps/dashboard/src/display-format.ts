/** What a cell shows when there is no value (no trade yet, an empty book side). */
export const NO_VALUE = '\u2014';

const PRICE_2 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const PRICE_4 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 4, maximumFractionDigits: 4 });
const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const ONE_DECIMAL = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const TWO_DECIMALS = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/**
 * A price (or a price difference) in currency units: two decimals, or four when it has sub-cent digits (ITCH
 * prices have four), so `123.4567` is never shown rounded to `123.46` next to a `123.46` it differs from.
 */
export function formatPrice(price: number | undefined): string {
  if (price === undefined || !Number.isFinite(price)) return NO_VALUE;
  const cents = price * 100;
  const subCent = Math.abs(cents - Math.round(cents)) > 1e-6;
  return (subCent ? PRICE_4 : PRICE_2).format(price);
}

/** `+1.23 (+0.45%)`; `-` for a fall; no sign for zero. */
export function formatChange(change: number, percent: number): string {
  const sign = change > 0 ? '+' : change < 0 ? '-' : '';
  return `${sign}${formatPrice(Math.abs(change))} (${sign}${TWO_DECIMALS.format(Math.abs(percent))}%)`;
}

/** Share counts: `9,999`, `12.3K`, `4.56M`, `1.2B`. */
export function formatVolume(volume: number | undefined): string {
  if (volume === undefined || !Number.isFinite(volume)) return NO_VALUE;
  const abs = Math.abs(volume);
  if (abs < 10_000) return INTEGER.format(volume);
  if (abs < 1_000_000) return `${ONE_DECIMAL.format(volume / 1e3)}K`;
  if (abs < 1_000_000_000) return `${TWO_DECIMALS.format(volume / 1e6)}M`;
  return `${TWO_DECIMALS.format(volume / 1e9)}B`;
}

/** A size or order count in a book level: plain integer with separators. */
export function formatCount(count: number | undefined): string {
  return count === undefined || !Number.isFinite(count) ? NO_VALUE : INTEGER.format(count);
}

/** Events per second: `0/s`, `734/s`, `12.3k/s`. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond < 0) return NO_VALUE;
  if (perSecond < 10_000) return `${INTEGER.format(perSecond)}/s`;
  return `${ONE_DECIMAL.format(perSecond / 1e3)}k/s`;
}

/** Milliseconds: `0.4 ms`, `12 ms`, `1.2 s`. */
export function formatLatency(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return NO_VALUE;
  if (ms < 10) return `${ONE_DECIMAL.format(ms)} ms`;
  if (ms < 1_000) return `${INTEGER.format(ms)} ms`;
  return `${ONE_DECIMAL.format(ms / 1e3)} s`;
}

/** Whole seconds left, rounded up: `3 s`. */
export function formatCountdown(ms: number): string {
  return `${Math.max(0, Math.ceil(ms / 1000))} s`;
}

/** Minutes since midnight as `HH:MM`. */
export function formatMinuteOfDay(minute: number): string {
  const m = ((Math.floor(minute) % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}
