import { diffById, sameStop, sameVariant, StopRow, VariantRow } from './catalog-diff';

const stop = (id: number, street1: string | null = 'AV 8 DE OCTUBRE', lat = -34.88, lon = -56.16): StopRow => ({
  id,
  street1,
  street2: 'BV BATLLE',
  latitude: lat,
  longitude: lon,
});

describe('diffById', () => {
  it('sorts rows into added, changed, removed and unchanged', () => {
    const current = [stop(1), stop(2), stop(3)];
    const incoming = [stop(1), stop(2, 'RIVERA'), stop(4)];
    const diff = diffById(current, incoming, sameStop);
    expect(diff.added.map((s) => s.id)).toEqual([4]);
    expect(diff.changed.map((c) => [c.before.street1, c.after.street1])).toEqual([['AV 8 DE OCTUBRE', 'RIVERA']]);
    expect(diff.removed.map((s) => s.id)).toEqual([3]);
    expect(diff.unchanged).toBe(1);
  });

  it('finds nothing to do when both sides agree, in any order', () => {
    const rows = [stop(3), stop(1), stop(2)];
    expect(diffById(rows, [...rows].reverse(), sameStop)).toEqual({
      added: [],
      changed: [],
      removed: [],
      unchanged: 3,
    });
  });

  it('counts an id listed twice upstream once', () => {
    const diff = diffById([], [stop(7), stop(7, 'OTRA')], sameStop);
    expect(diff.added).toHaveLength(1);
  });

  it('reports everything removed when upstream answers an empty list', () => {
    expect(diffById([stop(1), stop(2)], [], sameStop).removed).toHaveLength(2);
  });
});

describe('sameStop', () => {
  it.each<[string, StopRow, boolean]>([
    ['identical', stop(1), true],
    ['spaces around a street name', { ...stop(1), street1: ' AV 8 DE OCTUBRE ' }, true],
    ['a blank street read as none', { ...stop(1), street2: ' ' }, false],
    ['another street', stop(1, 'RIVERA'), false],
    ['a coordinate 1 mm off', stop(1, 'AV 8 DE OCTUBRE', -34.88 + 1e-8), true],
    ['a coordinate 10 m off', stop(1, 'AV 8 DE OCTUBRE', -34.8801), false],
  ])('%s → %s', (_name, other, same) => {
    expect(sameStop(stop(1), other)).toBe(same);
  });

  it('treats null and blank streets alike', () => {
    expect(sameStop({ ...stop(1), street2: null }, { ...stop(1), street2: '' })).toBe(true);
  });
});

describe('sameVariant', () => {
  const v: VariantRow = { id: 1, line: '21', lineId: 5, origin: 'A', destination: 'B', subline: 'X', special: false };
  it.each<[string, Partial<VariantRow>, boolean]>([
    ['identical', {}, true],
    ['another line', { line: 'G' }, false],
    ['another destination', { destination: 'C' }, false],
    ['special flag', { special: true }, false],
    ['trailing spaces', { origin: 'A ' }, true],
  ])('%s → %s', (_name, change, same) => {
    expect(sameVariant(v, { ...v, ...change })).toBe(same);
  });

  it('compares line names case-insensitively', () => {
    expect(sameVariant({ ...v, line: 'd10' }, { ...v, line: 'D10' })).toBe(true);
  });
});
