import { CatalogService } from './catalog.service';
import { BusStop } from './entities/bus-stop.entity';
import { VariantPaths } from './variant-paths';

const stop = (id: number, latitude: number): BusStop => ({ id, latitude, longitude: -56.16 }) as BusStop;

/** A catalogue that knows the sequence of variant 1 only, and counts how often it is asked. */
function fakeCatalog(): { catalog: CatalogService; asked: number[][] } {
  const asked: number[][] = [];
  const catalog = {
    stopSequences: (ids: number[]) => {
      asked.push([...ids]);
      const found = new Map<number, BusStop[]>();
      if (ids.includes(1)) found.set(1, [stop(10, -34.9), stop(11, -34.899), stop(12, -34.898)]);
      if (ids.includes(2)) found.set(2, [stop(20, -34.9)]); // one stop: no path
      return Promise.resolve(found);
    },
  } as unknown as CatalogService;
  return { catalog, asked };
}

describe('VariantPaths', () => {
  it('builds the path of a variant with a known sequence, and none for the others', async () => {
    const { catalog } = fakeCatalog();
    const paths = await new VariantPaths(catalog).pathsOf([1, 2, 3]);
    expect([...paths.keys()]).toEqual([1]);
    const path = paths.get(1)!;
    expect(path.stopIds).toEqual([10, 11, 12]);
    expect(path.offsets[2]).toBeCloseTo(2 * 111.19, 0); // two thousandths of a degree of latitude
  });

  it('asks the catalogue once per variant, remembering the ones without a path too', async () => {
    const { catalog, asked } = fakeCatalog();
    const paths = new VariantPaths(catalog);
    await paths.pathsOf([1, 3]);
    await paths.pathsOf([3, 1, 1]);
    await paths.pathsOf([2, 1]);
    expect(asked).toEqual([[1, 3], [2]]);
  });
});
