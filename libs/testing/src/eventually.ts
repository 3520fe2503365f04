/**
 * Runs `check` (which throws, e.g. a failed `expect`) every 100 ms until it passes; after `limitMs`
 * throws naming `what` and the last failure.
 */
export async function eventually(check: () => Promise<void>, what: string, limitMs = 30_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`timed out after ${limitMs} ms waiting for ${what}: ${error instanceof Error ? error.message : String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** What `promise` settles to, as a value, within `limitMs` (a promise that never settles fails here, not the test's timeout). */
export async function settleWithin<T>(promise: Promise<T>, limitMs: number): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not settle within ${limitMs} ms`)), limitMs);
  });
  try {
    return { ok: true, value: await Promise.race([promise, bound]) };
  } catch (error) {
    return { ok: false, error };
  } finally {
    clearTimeout(timer);
  }
}
