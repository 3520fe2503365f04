/**
 * Every error the runtime reports, declared once with a stable code. Codes are never reused; a retired code
 * stays listed. `docs/operations.md` (section "Runtime error codes") lists the same codes; a test checks they agree.
 */
export const RUNTIME_ERRORS = Object.freeze({
  RUNTIME_ERR_CONFIG_INVALID: 'invalid configuration',
  RUNTIME_ERR_CONFIG_SPEC: 'invalid configuration spec',
  RUNTIME_ERR_START_FAILED: 'service start failed',
  RUNTIME_ERR_SHUTDOWN_TIMEOUT: 'shutdown did not finish before the deadline',
  RUNTIME_ERR_SHUTDOWN_HOOK_FAILED: 'a shutdown hook failed',
  RUNTIME_ERR_SHUTDOWN_FORCED: 'shutdown forced by a second signal',
  RUNTIME_ERR_UNCAUGHT: 'uncaught exception or unhandled rejection',
  RUNTIME_ERR_PROCESS_EXITED: 'a process of the group exited unexpectedly',
} as const);

export type RuntimeErrorCode = keyof typeof RUNTIME_ERRORS;

export class RuntimeError extends Error {
  constructor(
    readonly code: RuntimeErrorCode,
    detail?: string,
    options?: { cause?: unknown },
  ) {
    super(detail ? `${RUNTIME_ERRORS[code]}: ${detail}` : RUNTIME_ERRORS[code], options);
    this.name = 'RuntimeError';
  }
}

/** Process exit codes used by the runtime. 78 is `EX_CONFIG` from sysexits(3). */
export const EXIT_CODES = Object.freeze({
  OK: 0,
  FAILURE: 1,
  CONFIG: 78,
} as const);
