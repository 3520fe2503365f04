/**
 * Node (V8) flags a service is tuned to run with. They size the heap, which exists before any of the
 * service's code runs, so a service cannot apply them to itself: its deployments pass them through
 * NODE_OPTIONS, `--help` lists them, and a start without them says so in the log.
 */
export interface NodeOption {
  /** As on the node command line, e.g. `--max-semi-space-size=4`. */
  readonly flag: string;
  /** Why the service wants it, for `--help` and the start-up warning. */
  readonly why: string;
}

/** `--max_semi_space_size=8` -> `--max-semi-space-size`: V8 takes either spelling, with any value. */
function flagName(flag: string): string {
  const at = flag.indexOf('=');
  return (at === -1 ? flag : flag.slice(0, at)).replace(/_/g, '-');
}

/**
 * The wanted options whose flag neither `execArgv` (the node command line) nor `nodeOptions` (the
 * NODE_OPTIONS variable) gives. A flag given with another value counts as given: the operator chose it.
 */
export function missingNodeOptions(wanted: readonly NodeOption[], execArgv: readonly string[], nodeOptions: string | undefined): NodeOption[] {
  const given = new Set([...execArgv, ...(nodeOptions ?? '').split(/\s+/)].filter((arg) => arg.startsWith('--')).map(flagName));
  return wanted.filter((option) => !given.has(flagName(option.flag)));
}

/** The `--help` section for `options` ('' when there are none). */
export function formatNodeOptionsHelp(options: readonly NodeOption[]): string {
  if (options.length === 0) return '';
  const rows = options.map((option) => `  ${option.flag}\n      ${option.why}\n`).join('');
  return `\nNode options, set with NODE_OPTIONS="${options.map((option) => option.flag).join(' ')}" (a start without them logs service.node_options_missing):\n${rows}`;
}
