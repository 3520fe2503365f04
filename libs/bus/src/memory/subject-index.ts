/**
 * Finds the subscriptions whose subject pattern matches a concrete subject, with NATS wildcard rules.
 * A trie over tokens; results are cached per subject until the set of patterns changes, so the steady
 * state of a publisher (same few subjects over and over) is one map lookup.
 */
interface TrieNode<T> {
  readonly literals: Map<string, TrieNode<T>>;
  star: TrieNode<T> | undefined;
  /** Items whose pattern ends here. */
  readonly exact: Set<T>;
  /** Items whose pattern is this prefix followed by '>'. */
  readonly tail: Set<T>;
}

function newNode<T>(): TrieNode<T> {
  return { literals: new Map(), star: undefined, exact: new Set(), tail: new Set() };
}

export class SubjectIndex<T> {
  private readonly root: TrieNode<T> = newNode();
  private readonly cache = new Map<string, readonly T[]>();

  add(pattern: string, item: T): void {
    let node = this.root;
    const tokens = pattern.split('.');
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (token === '>') {
        node.tail.add(item);
        this.cache.clear();
        return;
      }
      if (token === '*') {
        node.star ??= newNode();
        node = node.star;
      } else {
        let next = node.literals.get(token);
        if (!next) {
          next = newNode();
          node.literals.set(token, next);
        }
        node = next;
      }
    }
    node.exact.add(item);
    this.cache.clear();
  }

  remove(pattern: string, item: T): void {
    // Empty trie nodes are left in place: patterns are few and long-lived, so pruning buys nothing.
    let node: TrieNode<T> | undefined = this.root;
    const tokens = pattern.split('.');
    for (let i = 0; i < tokens.length && node; i++) {
      const token = tokens[i]!;
      if (token === '>') {
        node.tail.delete(item);
        this.cache.clear();
        return;
      }
      node = token === '*' ? node.star : node.literals.get(token);
    }
    node?.exact.delete(item);
    this.cache.clear();
  }

  match(subject: string): readonly T[] {
    let found = this.cache.get(subject);
    if (found === undefined) {
      const out: T[] = [];
      collect(this.root, subject.split('.'), 0, out);
      found = out;
      this.cache.set(subject, found);
    }
    return found;
  }
}

function collect<T>(node: TrieNode<T>, tokens: readonly string[], depth: number, out: T[]): void {
  if (depth === tokens.length) {
    for (const item of node.exact) out.push(item);
    return;
  }
  for (const item of node.tail) out.push(item);
  const literal = node.literals.get(tokens[depth]!);
  if (literal) collect(literal, tokens, depth + 1, out);
  if (node.star) collect(node.star, tokens, depth + 1, out);
}
