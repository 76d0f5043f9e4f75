/**
 * Seeded randomness for the simulator. Every random choice is derived from the seed plus the identity of
 * what it decides (variant, bus, report time...), never from a shared stream, so any value can be
 * recomputed on demand in any process and two simulators with the same seed agree.
 */

const TWO_POW_32 = 4294967296;
// A module-level alias: under jest's vm sandbox every `Math.` lookup on the global costs more than the
// arithmetic, and the fleet draws about a million numbers when it is built.
const imul = Math.imul;

/** mulberry32: a tiny, fast 32-bit generator; plenty for simulation (not for anything secret). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / TWO_POW_32;
  };
}

/** Mixes integers into one 32-bit seed (murmur3-style), so nearby inputs give unrelated streams. */
export function hashSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  const mix = (word: number): void => {
    let k = imul(word, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (imul(h, 5) + 0xe6546b64) | 0;
  };
  for (const part of parts) {
    const n = Math.floor(part);
    // Epoch milliseconds exceed 32 bits: mix the high word too, or distant times would collide.
    mix(n >>> 0);
    mix(Math.floor(n / TWO_POW_32) >>> 0);
  }
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A generator dedicated to one decision, keyed by the seed and the identity of what it decides. */
export function streamFor(...parts: number[]): () => number {
  return mulberry32(hashSeed(...parts));
}

export function between(random: () => number, min: number, max: number): number {
  return min + random() * (max - min);
}

/** Integer in [min, max], both inclusive. */
export function intBetween(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Fisher–Yates, in place. */
export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
