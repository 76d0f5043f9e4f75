import { ApiProperty } from '@nestjs/swagger';
import { ETA_BUCKETS } from '../../eval/eta-benchmark';

export class AccuracyBucketResponse {
  @ApiProperty({
    enum: ETA_BUCKETS.map((b) => b.name),
    description: 'how long before the arrival the ETAs were shown',
  })
  bucket: string;
  @ApiProperty({ type: 'integer', description: 'ETAs shown in this bucket and scored against the arrival seen' })
  scored: number;
  @ApiProperty({
    type: 'integer',
    description: "of those, the accurate ones: the bus came within the bucket's window of the time shown",
  })
  accurate: number;
  @ApiProperty({ nullable: true, type: Number, minimum: 0, maximum: 1, description: 'accurate ÷ scored' })
  accuracy: number | null;
}

export class AccuracySummaryResponse {
  @ApiProperty({ type: [AccuracyBucketResponse] }) buckets: AccuracyBucketResponse[];
  @ApiProperty({
    nullable: true,
    type: Number,
    minimum: 0,
    maximum: 1,
    description: "the ETA Accuracy Benchmark's score: the mean of the buckets' accuracy (buckets with none left out)",
  })
  score: number | null;
}

export class TodayAccuracyResponse extends AccuracySummaryResponse {
  @ApiProperty({ example: '2026-06-10', description: 'the Montevideo calendar date' }) day: string;
  @ApiProperty({ type: String, format: 'date-time', description: "that date's local midnight" }) since: string;
}

export class AccuracyResponse {
  @ApiProperty({ type: TodayAccuracyResponse, description: 'ETAs scored since local midnight' })
  today: TodayAccuracyResponse;
  @ApiProperty({ type: AccuracySummaryResponse, description: 'every ETA scored since the tallies began' })
  total: AccuracySummaryResponse;
  @ApiProperty(dateTimeOf('when this answer was computed')) generatedAt: string;
}

function dateTimeOf(description: string) {
  return { type: String, format: 'date-time', description };
}
