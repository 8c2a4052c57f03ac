/**
 * OpenTelemetry traces of an agent run: `node build/examples/telemetry.js` (after `npm run build:test`).
 * The application sets up the OpenTelemetry SDK once (here by hand; `@opentelemetry/sdk-node` does the
 * same), and the agent gets `telemetry: true`. Spans go to OpenTelemetry's ConsoleSpanExporter, taught
 * to print each finished trace as a tree. With OPENAI_API_KEY set it talks to OpenAI; without it, to
 * the built-in ScriptedChatServer.
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, ConsoleSpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import OpenAI from 'openai';
import { Agent, FunctionTool } from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';

/** The console exporter, printing each trace as a tree once its root span ends. */
class SpanTreeConsoleExporter extends ConsoleSpanExporter {
  private readonly finished: ReadableSpan[] = [];

  override export(spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    this.finished.push(...spans);
    for (const root of spans.filter((span) => !span.parentSpanContext)) {
      console.log(`\ntrace ${root.spanContext().traceId}`);
      this.print(root, '', '');
    }
    done({ code: 0 }); // ExportResultCode.SUCCESS
  }

  private print(span: ReadableSpan, lead: string, childLead: string): void {
    const ms = (span.duration[0] * 1e3 + span.duration[1] / 1e6).toFixed(1);
    const shown = Object.entries(span.attributes).filter(([key]) => SHOWN_ATTRIBUTES.includes(key));
    const details = shown.map(([key, value]) => `${key}=${Array.isArray(value) ? value.join(',') : value}`).join(' ');
    const status = span.status.code === 2 ? ' ERROR' : '';
    console.log(`${lead}${span.name}  [${KIND_NAMES[span.kind]}${status}, ${ms} ms]  ${details}`.trimEnd());
    const children = this.finished
      .filter((child) => child.parentSpanContext?.spanId === span.spanContext().spanId)
      .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
    children.forEach((child, i) => {
      const last = i === children.length - 1;
      this.print(child, `${childLead}${last ? '└─ ' : '├─ '}`, `${childLead}${last ? '   ' : '│  '}`);
    });
  }
}

const KIND_NAMES = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const SHOWN_ATTRIBUTES = [
  'gen_ai.agent.name',
  'gen_ai.provider.name',
  'gen_ai.response.id',
  'gen_ai.response.finish_reasons',
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.output_tokens',
  'gen_ai.tool.call.id',
  'error.type',
];

// Once per application: context propagation and a tracer provider, registered globally.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new SpanTreeConsoleExporter())] });
trace.setGlobalTracerProvider(provider);

const appTracer = trace.getTracer('weather-app');
const getWeather = new FunctionTool({
  name: 'get_weather',
  description: 'Get the current weather for a given city.',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
  // The tool's own span nests under its execute_tool span.
  execute: ({ city }: { city: string }) =>
    appTracer.startActiveSpan('weather-api GET /current', (span) => {
      span.end();
      return `The weather in ${city} is sunny and 25°C.`;
    }),
});

async function main() {
  let client: OpenAI;
  let server: ScriptedChatServer | undefined;
  if (process.env['OPENAI_API_KEY']) {
    client = new OpenAI();
  } else {
    server = await ScriptedChatServer.start({
      script: [reply.toolCalls(toolCall('get_weather', { city: 'Tokyo' })), reply.text('It is sunny and 25°C in Tokyo.')],
    });
    console.log(`No OPENAI_API_KEY: using the built-in ScriptedChatServer at ${server.url}.`);
    client = server.client();
  }
  const agent = new Agent({ client, model: process.env['OPENAI_MODEL'] ?? 'gpt-4.1-nano', name: 'weather-bot', tools: [getWeather], telemetry: true });
  try {
    const result = await agent.run("What's the weather in Tokyo?");
    console.log(`\nAnswer: ${result.finalContent}`);
  } finally {
    await server?.close();
    await provider.shutdown();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
