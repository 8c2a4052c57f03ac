import type { Histogram, Meter } from '@opentelemetry/api';
import {
  DURATION_BUCKETS,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  TOKEN_USAGE_BUCKETS,
} from './semconv.js';

/** The GenAI client metrics a run records. */
export interface GenAiInstruments {
  /** `gen_ai.client.token.usage` ({token}), one record per token type of each model request. */
  readonly tokenUsage: Histogram;
  /** `gen_ai.client.operation.duration` (s), one record per model request. */
  readonly operationDuration: Histogram;
  /** `gen_ai.client.operation.time_to_first_chunk` (s), one record per streamed model request that got a chunk. */
  readonly timeToFirstChunk: Histogram;
}

// Meters are cached by their providers; caching the instruments per meter spares each run creating them again.
const byMeter = new WeakMap<Meter, GenAiInstruments>();

/** The instruments on `meter`, created on first use. */
export function genAiInstruments(meter: Meter): GenAiInstruments {
  let instruments = byMeter.get(meter);
  if (!instruments) {
    instruments = {
      tokenUsage: meter.createHistogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
        description: 'Number of input and output tokens used.',
        unit: '{token}',
        advice: { explicitBucketBoundaries: TOKEN_USAGE_BUCKETS },
      }),
      operationDuration: meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
        description: 'GenAI operation duration.',
        unit: 's',
        advice: { explicitBucketBoundaries: DURATION_BUCKETS },
      }),
      timeToFirstChunk: meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK, {
        description: 'Time to receive the first chunk, from when the client issues the request to when the first chunk is received in the response stream.',
        unit: 's',
        advice: { explicitBucketBoundaries: DURATION_BUCKETS },
      }),
    };
    byMeter.set(meter, instruments);
  }
  return instruments;
}
