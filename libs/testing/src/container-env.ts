/**
 * Settings testcontainers needs on machines like CI's, applied before it is loaded:
 * - Ryuk (the reaper container) cannot be pulled where no registry is reachable; our containers are
 *   stopped explicitly and auto-removed instead.
 * - Test containers share the host network (dockerd may run with `--bridge=none`, leaving no bridge
 *   network for testcontainers to find the host through), so the host is loopback.
 * Values already set by the user win.
 */
export function configureTestcontainers(): void {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
}
