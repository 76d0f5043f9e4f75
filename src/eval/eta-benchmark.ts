/**
 * The ETA Accuracy Benchmark transit-app makers use: a prediction made t minutes before the bus really
 * arrives is accurate when the arrival falls inside a window that widens with t; the score is the plain
 * mean of the four buckets' accuracy. Times here are seconds; error = actual − predicted arrival, so a
 * positive error is a bus later than announced.
 */

export interface EtaBucket {
  name: string;
  /** Horizon (actual arrival − time of the prediction) from, inclusive, to, exclusive. */
  fromS: number;
  toS: number;
  /** How much earlier / later than predicted the bus may come and the prediction still count as right. */
  earlyS: number;
  lateS: number;
}

export const ETA_BUCKETS: readonly EtaBucket[] = [
  { name: '0-3 min', fromS: 0, toS: 180, earlyS: 30, lateS: 90 },
  { name: '3-6 min', fromS: 180, toS: 360, earlyS: 60, lateS: 150 },
  { name: '6-10 min', fromS: 360, toS: 600, earlyS: 60, lateS: 210 },
  { name: '10-15 min', fromS: 600, toS: 900, earlyS: 90, lateS: 270 },
];

export interface EtaPrediction {
  /** Seconds from the prediction to the bus's real arrival (for a bus that never came: to the predicted one). */
  horizonS: number;
  /** Real − predicted arrival, seconds; null when the bus never reached the stop (always wrong). */
  errorS: number | null;
}

export interface BucketScore {
  name: string;
  predictions: number;
  accuracy: number | null;
}

export interface EtaScore {
  buckets: BucketScore[];
  /** Mean of the buckets' accuracy (buckets with no prediction left out). */
  score: number | null;
  predictions: number;
  /** Of the predictions where the bus came earlier than announced, the median by how much (s). */
  earlyMedianS: number | null;
  /** Of those where it came later, the median by how much (s). */
  lateMedianS: number | null;
  /** Predictions for a bus that never reached the stop. */
  neverArrived: number;
}

export function bucketOf(horizonS: number): EtaBucket | undefined {
  return ETA_BUCKETS.find((b) => horizonS >= b.fromS && horizonS < b.toS);
}

export function isAccurate(bucket: EtaBucket, errorS: number | null): boolean {
  return errorS !== null && errorS >= -bucket.earlyS && errorS <= bucket.lateS;
}

/** q-quantile (0..1) by nearest rank; null for no values. */
export function quantile(values: readonly number[], q: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function scoreEtas(predictions: readonly EtaPrediction[]): EtaScore {
  const counted = predictions.filter((p) => bucketOf(p.horizonS));
  const buckets = ETA_BUCKETS.map((bucket) => {
    const inBucket = counted.filter((p) => bucketOf(p.horizonS) === bucket);
    const right = inBucket.filter((p) => isAccurate(bucket, p.errorS)).length;
    return {
      name: bucket.name,
      predictions: inBucket.length,
      accuracy: inBucket.length ? right / inBucket.length : null,
    };
  });
  const scored = buckets.filter((b) => b.accuracy !== null).map((b) => b.accuracy!);
  const errors = counted.filter((p) => p.errorS !== null).map((p) => p.errorS!);
  return {
    buckets,
    score: scored.length ? scored.reduce((a, b) => a + b, 0) / scored.length : null,
    predictions: counted.length,
    earlyMedianS: quantile(
      errors.filter((e) => e < 0).map((e) => -e),
      0.5,
    ),
    lateMedianS: quantile(
      errors.filter((e) => e > 0),
      0.5,
    ),
    neverArrived: counted.filter((p) => p.errorS === null).length,
  };
}
