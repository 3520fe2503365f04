/** Building DOM nodes without innerHTML: market data goes in as text only. */

export interface ElementProps {
  readonly className?: string;
  readonly text?: string;
  readonly testId?: string;
  readonly attrs?: Readonly<Record<string, string>>;
}

export function element<K extends keyof HTMLElementTagNameMap>(tag: K, props: ElementProps = {}, ...children: Node[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className !== undefined) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  if (props.testId !== undefined) node.dataset['testid'] = props.testId;
  for (const [name, value] of Object.entries(props.attrs ?? {})) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svgElement<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Readonly<Record<string, string | number>> = {}, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, typeof value === 'number' ? String(Math.round(value * 100) / 100) : value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Sets a node's text only when it differs (no layout work for an unchanged cell). */
export function setText(node: Node, text: string): boolean {
  if (node.textContent === text) return false;
  node.textContent = text;
  return true;
}

/** Restarts a CSS animation class: remove, force a style recalculation, add again. */
export function restartAnimation(node: HTMLElement, className: string, others: readonly string[] = []): void {
  node.classList.remove(className, ...others);
  void node.offsetWidth;
  node.classList.add(className);
}

/** The element with `id`, or a clear error naming it (index.html and the script disagree). */
export function requireElement(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`index.html has no #${id}`);
  return node;
}
