import { ASK, BID, bookSide, OrderBooks } from './order-books';
import { Sfc32 } from './prng';

describe('OrderBooks', () => {
  it('tracks the touch (best price, oldest first) through random adds, reductions and removals', () => {
    const books = new OrderBooks(3, 16);
    const model = new Map<number, { ref: number; price: number; shares: number }[]>();
    const rng = new Sfc32(11);
    let ref = 1;
    for (let step = 0; step < 20_000; step++) {
      const bs = bookSide(1 + rng.nextInt(3), rng.nextInt(2));
      const orders = model.get(bs) ?? [];
      model.set(bs, orders);
      const op = rng.nextInt(3);
      if (op === 0 && books.count(bs) < books.capacity) {
        const o = { ref: ref++, price: 100 + rng.nextInt(10), shares: 1 + rng.nextInt(500) };
        books.add(bs, o.ref, o.price, o.shares);
        orders.push(o);
      } else if (op === 1 && books.count(bs) > 0) {
        const i = rng.nextInt(books.count(bs));
        const o = orders.find((x) => x.ref === books.ref(bs, i))!;
        expect(books.remaining(bs, i)).toBe(o.shares);
        books.remove(bs, i);
        orders.splice(orders.indexOf(o), 1);
      } else if (books.count(bs) > 0) {
        const i = books.bestIndex(bs);
        if (books.remaining(bs, i) > 1) {
          books.reduce(bs, i, 1);
          orders.find((x) => x.ref === books.ref(bs, i))!.shares--;
        }
      }
      expect(books.count(bs)).toBe(orders.length);
      const sorted = [...orders].sort((a, b) => ((bs & 1) === BID ? b.price - a.price : a.price - b.price) || a.ref - b.ref);
      if (sorted.length === 0) {
        expect(books.bestIndex(bs)).toBe(-1);
        expect(books.bestPrice(bs)).toBe(-1);
      } else {
        expect(books.ref(bs, books.bestIndex(bs))).toBe(sorted[0].ref);
        expect(books.bestPrice(bs)).toBe(sorted[0].price);
      }
    }
    let live = 0;
    for (const orders of model.values()) live += orders.length;
    expect(books.live).toBe(live);
  });

  it('finds the oldest order of a side', () => {
    const books = new OrderBooks(1, 4);
    const bs = bookSide(1, ASK);
    books.add(bs, 10, 5, 1);
    books.add(bs, 11, 4, 1);
    books.add(bs, 12, 6, 1);
    books.remove(bs, 0); // 12 moves into slot 0
    expect(books.ref(bs, books.oldest(bs))).toBe(11);
    expect(books.ref(bs, books.bestIndex(bs))).toBe(11);
  });
});
