/**
 * Telemetry's cost on the tool-loop scenario (issue 14), against the same run without telemetry,
 * measured in the same process and rounds. Off (`telemetry: false`) must cost nothing; on, with the
 * real OpenTelemetry SDK exporting to a no-op exporter, at most 1.05× the run without it.
 *
 * Two settings: without a context manager (the bare cost of our spans and metrics), and with the
 * AsyncLocalStorage context manager registered, as `@opentelemetry/sdk-node` does. The second
 * compares against a run without telemetry in the same setting, since the context manager (Node
 * 20's async hooks) slows every promise of the process, traced or not: an application that
 * registers it pays that whatever this library does.
 */
import { context, type Meter, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type OpenAI from 'openai';
import { ChatCompletionStreamHandler, FunctionTool, streamUntilUserInput } from './bench-support.js';
import { LOOP_ITERATIONS } from './scenarios.js';

/** What bench/run.ts lends this section: the client on the scripted server, and its measuring and reporting. */
export interface TelemetryBenchTools {
  client: OpenAI;
  enqueue: (scenario: string) => Promise<void>;
  measure: (scenario: string, cases: Record<string, () => Promise<void>>, enqueue: (scenario: string) => Promise<void>) => Promise<Record<string, unknown[]>>;
  report: (title: string, samples: Record<string, any[]>, baseline: string, targets: [string, string, number][]) => void;
}

/** Accepts every batch and drops it: the SDK does all its work up to the network. */
class NoopSpanExporter implements SpanExporter {
  export(_spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

/** A reader that is never collected: instruments record into real storage, nothing is exported. */
class IdleMetricReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const OFF = 'engine, telemetry off (telemetry: false)';
const NONE = 'engine, no telemetry option (baseline)';
const ON = 'engine, telemetry on, SDK with no-op exporter';

/** Runs the section; call it once the other sections are done (it registers a global context manager for a while). */
export async function runTelemetryBench({ client, enqueue, measure, report }: TelemetryBenchTools): Promise<void> {
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(new NoopSpanExporter())] });
  const meterProvider = new MeterProvider({ readers: [new IdleMetricReader()] });
  const telemetry = { tracer: tracerProvider.getTracer('bench') as Tracer, meter: meterProvider.getMeter('bench') as Meter };

  const messages = [{ role: 'user' as const, content: 'Tell me everything.' }];
  const parameters = { type: 'object', properties: { i: { type: 'number' }, note: { type: 'string' } }, required: ['i', 'note'], additionalProperties: false };
  const step = new FunctionTool({ name: 'step', parameters, execute: ({ i }: { i: number }) => `step ${i} done` });
  const loop = (extra: object = {}) => () =>
    streamUntilUserInput({ client, model: 'bench-model', messages, tools: [step], maxIterations: LOOP_ITERATIONS + 2, streamHandler: new ChatCompletionStreamHandler(), ...extra }).then(() => {});

  const bare = await measure('loop', { [NONE]: loop(), [OFF]: loop({ telemetry: false }), [ON]: loop({ telemetry }) }, enqueue);
  report(`telemetry on the tool loop, no context manager: ${LOOP_ITERATIONS} iterations + a 5k-chunk answer`, bare, NONE, [
    [OFF, NONE, 1.05],
    [ON, NONE, 1.05],
  ]);

  const contextManager = new AsyncLocalStorageContextManager();
  context.setGlobalContextManager(contextManager.enable());
  try {
    const NONE_CM = 'engine, no telemetry, context manager registered';
    const ON_CM = 'engine, telemetry on, context manager registered';
    const withContext = await measure('loop', { [NONE_CM]: loop(), [ON_CM]: loop({ telemetry }) }, enqueue);
    report('telemetry on the tool loop, AsyncLocalStorage context manager registered (as sdk-node does)', withContext, NONE_CM, [[ON_CM, NONE_CM, 1.05]]);
  } finally {
    context.disable();
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
  }
}
