import type { ChartGeometry } from './candle-chart';
import { element, svgElement } from './dom-element';

/** The intraday chart: an SVG (`data-testid="candle-chart"`) redrawn from a {@link ChartGeometry}. */
export class CandleChartView {
  private readonly svg: SVGSVGElement;
  private readonly note: HTMLElement;

  constructor(private readonly container: HTMLElement) {
    this.svg = svgElement('svg', { role: 'img', 'aria-label': 'one-minute candles' });
    this.svg.dataset['testid'] = 'candle-chart';
    this.note = element('p', { className: 'chart-note' });
    container.replaceChildren(this.svg, this.note);
  }

  /** Calls `redraw` when the chart's box changes size (window resize, layout change). */
  onResize(redraw: () => void): void {
    new ResizeObserver(() => redraw()).observe(this.container);
  }

  /** The drawing area, px: what the geometry is computed for. */
  size(): { width: number; height: number } {
    return { width: Math.max(120, Math.floor(this.container.clientWidth)), height: Math.max(120, Math.floor(this.container.clientHeight)) };
  }

  render(g: ChartGeometry, note: string): void {
    this.svg.setAttribute('width', String(g.width));
    this.svg.setAttribute('height', String(g.height));
    this.svg.setAttribute('viewBox', `0 0 ${g.width} ${g.height}`);
    const { plot } = g;
    const grid = svgElement('g', { class: 'grid' });
    const labels = svgElement('g', { class: 'axis' });
    for (const tick of g.priceTicks) {
      grid.append(svgElement('line', { x1: plot.left, x2: plot.right, y1: tick.at, y2: tick.at }));
      if (tick.label !== '') labels.append(svgElement('text', { x: plot.right + 6, y: tick.at + 4 }, tick.label));
    }
    for (const tick of g.timeTicks) {
      grid.append(svgElement('line', { x1: tick.at, x2: tick.at, y1: plot.top, y2: plot.bottom, class: 'v' }));
      // A label centred on the first bar would be cut by the left edge: start it at the plot's edge instead.
      const atEdge = tick.at - 20 < plot.left;
      labels.append(svgElement('text', { x: atEdge ? plot.left : tick.at, y: plot.bottom + 15, 'text-anchor': atEdge ? 'start' : 'middle' }, tick.label));
    }
    const volume = svgElement('g', { class: 'volume' });
    const wicks = svgElement('g', { class: 'wicks' });
    const bodies = svgElement('g', { class: 'bodies' });
    for (const b of g.bars) {
      const side = b.up ? 'up' : 'down';
      if (b.volumeHeight > 0) volume.append(svgElement('rect', { x: b.bodyX, y: b.volumeY, width: b.bodyWidth, height: b.volumeHeight, class: side }));
      wicks.append(svgElement('line', { x1: b.x, x2: b.x, y1: b.wickTop, y2: b.wickBottom, class: side }));
      bodies.append(svgElement('rect', { x: b.bodyX, y: b.bodyY, width: b.bodyWidth, height: b.bodyHeight, class: side }));
    }
    const children: SVGElement[] = [grid, volume, wicks, bodies, labels];
    if (g.last !== undefined) {
      const side = g.last.up ? 'up' : 'down';
      const tag = svgElement('g', { class: `last ${side}` });
      tag.append(
        svgElement('line', { x1: plot.left, x2: plot.right, y1: g.last.y, y2: g.last.y }),
        svgElement('rect', { x: plot.right + 2, y: g.last.y - 9, width: g.width - plot.right - 4, height: 18, rx: 3 }),
        svgElement('text', { x: plot.right + 6, y: g.last.y + 4 }, g.last.label),
      );
      children.push(tag);
    }
    this.svg.replaceChildren(...children);
    this.note.textContent = note;
    this.note.hidden = note === '';
  }
}
