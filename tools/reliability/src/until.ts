/** Polls `check` every `intervalMs` until it holds; throws naming `what` after `limitMs`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, limitMs = 10_000, intervalMs = 10): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
