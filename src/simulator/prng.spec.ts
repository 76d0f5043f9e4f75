import { hashSeed, intBetween, mulberry32, shuffleInPlace, streamFor } from './prng';

describe('mulberry32', () => {
  it('repeats its sequence for a seed and changes with the seed', () => {
    const take = (seed: number): number[] => {
      const next = mulberry32(seed);
      return Array.from({ length: 5 }, () => next());
    };
    expect(take(42)).toEqual(take(42));
    expect(take(42)).not.toEqual(take(43));
  });

  it('yields floats in [0, 1) spread over the interval', () => {
    const next = mulberry32(7);
    const values = Array.from({ length: 10_000 }, () => next());
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });
});

describe('hashSeed', () => {
  it('is an unsigned 32-bit integer that depends on every part and their order', () => {
    const h = hashSeed(1, 2, 3);
    expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
    expect(hashSeed(1, 2, 3)).toBe(h);
    expect(hashSeed(1, 3, 2)).not.toBe(h);
    expect(hashSeed(1, 2)).not.toBe(h);
  });

  it('tells apart epoch times that differ only above 32 bits', () => {
    const t = 1_763_223_247_000;
    expect(hashSeed(t)).not.toBe(hashSeed(t + 2 ** 32));
  });
});

describe('helpers', () => {
  it('intBetween stays within its inclusive bounds and reaches both', () => {
    const random = streamFor(9);
    const seen = new Set(Array.from({ length: 500 }, () => intBetween(random, 3, 6)));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });

  it('shuffleInPlace permutes without losing items', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = shuffleInPlace([...items], streamFor(5));
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
  });
});
