import { formatNodeOptionsHelp, missingNodeOptions, type NodeOption } from './node-options';

const SEMI_SPACE: NodeOption = { flag: '--max-semi-space-size=4', why: 'young generation small enough' };
const OTHER: NodeOption = { flag: '--no-memory-reducer', why: 'no shrinking after idle' };

describe('missingNodeOptions', () => {
  it('names every wanted flag that neither the command line nor NODE_OPTIONS gives', () => {
    expect(missingNodeOptions([SEMI_SPACE, OTHER], [], undefined)).toEqual([SEMI_SPACE, OTHER]);
    expect(missingNodeOptions([SEMI_SPACE, OTHER], ['--enable-source-maps'], '--max-old-space-size=512')).toEqual([SEMI_SPACE, OTHER]);
  });

  it('counts a flag from either place', () => {
    expect(missingNodeOptions([SEMI_SPACE, OTHER], ['--max-semi-space-size=4'], undefined)).toEqual([OTHER]);
    expect(missingNodeOptions([SEMI_SPACE, OTHER], [], '  --no-memory-reducer   --max-semi-space-size=4 ')).toEqual([]);
  });

  it("accepts another value and V8's underscore spelling: the operator's choice, not a missing flag", () => {
    expect(missingNodeOptions([SEMI_SPACE], ['--max_semi_space_size=8'], undefined)).toEqual([]);
    expect(missingNodeOptions([SEMI_SPACE], [], '--max-semi-space-size=16')).toEqual([]);
  });

  it('does not take a prefix or a longer flag for the wanted one', () => {
    expect(missingNodeOptions([SEMI_SPACE], ['--max-semi-space-size-extra=4', '--max-semi'], '--min-semi-space-size=4')).toEqual([SEMI_SPACE]);
  });
});

describe('formatNodeOptionsHelp', () => {
  it('lists each flag with its reason and the NODE_OPTIONS value that gives them all', () => {
    const help = formatNodeOptionsHelp([SEMI_SPACE, OTHER]);
    expect(help).toContain('NODE_OPTIONS="--max-semi-space-size=4 --no-memory-reducer"');
    expect(help).toContain('\n  --max-semi-space-size=4\n      young generation small enough\n');
    expect(help).toContain('\n  --no-memory-reducer\n      no shrinking after idle\n');
  });

  it('is empty for a service that wants none', () => {
    expect(formatNodeOptionsHelp([])).toBe('');
  });
});
