import { bucketOf, ETA_BUCKETS, isAccurate, quantile, scoreEtas } from './eta-benchmark';

describe('ETA Accuracy Benchmark', () => {
  it.each([
    [0, '0-3 min'],
    [179, '0-3 min'],
    [180, '3-6 min'],
    [359, '3-6 min'],
    [360, '6-10 min'],
    [600, '10-15 min'],
    [899, '10-15 min'],
  ])('a prediction %d s before the arrival falls in %s', (horizon, name) => {
    expect(bucketOf(horizon)?.name).toBe(name);
  });

  it('leaves out predictions made after the arrival or more than 15 minutes before it', () => {
    expect(bucketOf(-1)).toBeUndefined();
    expect(bucketOf(900)).toBeUndefined();
    expect(scoreEtas([{ horizonS: 1000, errorS: 0 }]).predictions).toBe(0);
  });

  it.each([
    ['0-3 min', -30, true],
    ['0-3 min', -31, false],
    ['0-3 min', 90, true],
    ['0-3 min', 91, false],
    ['3-6 min', -60, true],
    ['3-6 min', 150, true],
    ['3-6 min', 151, false],
    ['6-10 min', 210, true],
    ['6-10 min', -61, false],
    ['10-15 min', -90, true],
    ['10-15 min', 270, true],
    ['10-15 min', 271, false],
  ])('in %s a bus %d s off the prediction is right: %s', (name, error, right) => {
    expect(
      isAccurate(
        ETA_BUCKETS.find((b) => b.name === name)!,
        error,
      ),
    ).toBe(right);
  });

  it('scores the plain mean of the bucket accuracies, not of all predictions', () => {
    const score = scoreEtas([
      // 0-3 min: 1 of 2 right; 3-6 min: 3 of 3 right.
      { horizonS: 60, errorS: 0 },
      { horizonS: 60, errorS: 200 },
      { horizonS: 200, errorS: 10 },
      { horizonS: 200, errorS: -10 },
      { horizonS: 300, errorS: 0 },
    ]);
    expect(score.buckets.map((b) => b.accuracy)).toEqual([0.5, 1, null, null]);
    expect(score.score).toBeCloseTo(0.75, 9);
    expect(score.earlyMedianS).toBe(10);
    expect(score.lateMedianS).toBe(10);
  });

  it('counts a prediction for a bus that never came as wrong', () => {
    const score = scoreEtas([{ horizonS: 100, errorS: null }]);
    expect(score.buckets[0]).toEqual({ name: '0-3 min', predictions: 1, accuracy: 0 });
    expect(score.neverArrived).toBe(1);
  });

  it('takes quantiles by nearest rank', () => {
    expect(quantile([5, 1, 3], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(quantile([], 0.5)).toBeNull();
  });
});
