import type { LonLat } from '../shared/route';
import type { NetworkData } from './domain/route-resolution';
import type { NetworkReader } from './network.reader';
import { VariantPaths } from './variant-paths';

/** Line 1: variant 10 has a shape and stops on it, variant 11 neither; line 2: variant 20, stops but no shape. */
const shape: LonLat[] = [
  [-56.16, -34.9],
  [-56.16, -34.895],
];
const stopAt = new Map<number, LonLat>([
  [1, [-56.16, -34.8995]],
  [2, [-56.16, -34.8975]],
  [3, [-56.16, -34.8955]],
]);
const variants = [
  { id: 10, line: '1', origin: 'A', destination: 'B' },
  { id: 11, line: '1', origin: 'A', destination: 'C' },
  { id: 20, line: '2', origin: 'A', destination: 'B' },
];

function fakeReader(): { reader: NetworkReader; asked: (string[] | undefined)[] } {
  const asked: (string[] | undefined)[] = [];
  const reader = {
    linesOf: (ids: number[]) =>
      Promise.resolve(new Map(variants.filter((v) => ids.includes(v.id)).map((v) => [v.id, v.line]))),
    forLines: (lines?: string[]): Promise<NetworkData> => {
      asked.push(lines && [...lines].sort());
      return Promise.resolve({
        variants: variants.filter((v) => !lines || lines.includes(v.line)),
        shapeOf: (id) => (id === 10 ? shape : undefined),
        stopsOf: (id) => (id === 10 || id === 20 ? [1, 2, 3] : undefined),
        stopAt: (id) => stopAt.get(id),
      });
    },
  } as unknown as NetworkReader;
  return { reader, asked };
}

describe('VariantPaths', () => {
  describe('pathsOf', () => {
    it('gives the path of a variant with a known route, and none for the others', async () => {
      const paths = await new VariantPaths(fakeReader().reader).pathsOf([10, 11, 20, 99]);
      expect([...paths.keys()]).toEqual([10]);
      const path = paths.get(10)!;
      expect(path).toMatchObject({ source: 'shape', shapeVariantId: 10, stopIds: [1, 2, 3] });
      // The road from the first stop to the last: 0.004° of latitude, stops placed on it.
      expect(path.route.length).toBeCloseTo(444.8, 0);
      expect(path.offsets.map((o) => Math.round(o))).toEqual([0, 222, 445]);
    });

    it('reads each line once, remembering the variants without a path too', async () => {
      const { reader, asked } = fakeReader();
      const paths = new VariantPaths(reader);
      await paths.pathsOf([10, 11]);
      await paths.pathsOf([11, 10, 10]);
      await paths.pathsOf([20, 10]);
      expect(asked).toEqual([['1'], ['2']]);
    });
  });

  describe('all', () => {
    it('works out the whole network once for callers that ask together', async () => {
      const { reader, asked } = fakeReader();
      const paths = new VariantPaths(reader);
      const [a, b] = await Promise.all([paths.all(), paths.all()]);
      expect(a).toBe(b);
      expect([...a.keys()]).toEqual([10]);
      expect(asked).toEqual([undefined]);
    });
  });
});
