/**
 * Polls `check` every `intervalMs` until it holds; throws naming `what` after `limitMs` (a function is
 * asked at that moment, so the message can say what was last seen).
 */
export async function until(check: () => boolean | Promise<boolean>, what: string | (() => string), limitMs = 15_000, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${limitMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
