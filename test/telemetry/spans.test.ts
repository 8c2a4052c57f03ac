import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_OUTPUT_TYPE,
  ATTR_GEN_AI_REQUEST_CHOICE_COUNT,
  ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_SEED,
  ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_P,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
  GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
  GEN_AI_OUTPUT_TYPE_VALUE_JSON,
  GEN_AI_PROVIDER_NAME_VALUE_OPENAI,
} from '@opentelemetry/semantic-conventions/incubating';
import { expect } from 'chai';
import { Agent, FunctionTool, OnContentDone, OnIterationStarted, streamUntilUserInput, type RunInfo } from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { collect, sleep, user } from '../support/helpers.js';
import { OtelSdk, parentId, spanId } from './fixtures/otel.js';

const weather = new FunctionTool({
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  execute: ({ city }: { city: string }) => `Sunny in ${city}`,
});

describe('telemetry: spans', () => {
  let server: ScriptedChatServer;
  let sdk: OtelSdk;
  afterEach(async () => {
    await server?.close({ force: true });
    await sdk?.shutdown();
  });

  it('a run span with a CLIENT chat span per request and an execute_tool span per call under it, set from the real responses', async () => {
    server = await ScriptedChatServer.start({
      script: [
        reply.toolCalls(toolCall('get_weather', { city: 'Tokyo' }, { id: 'call_tokyo' }), {
          usage: { prompt_tokens: 40, completion_tokens: 12, prompt_tokens_details: { cached_tokens: 32 } },
        }),
        reply.text('It is sunny in Tokyo.', { usage: { prompt_tokens: 61, completion_tokens: 7, completion_tokens_details: { reasoning_tokens: 3 } } }),
      ],
    });
    sdk = new OtelSdk();
    const result = await streamUntilUserInput({
      client: server.client(),
      model: 'gpt-4.1-mini',
      messages: [user('Weather in Tokyo?')],
      tools: [weather],
      params: { temperature: 0.2, top_p: 0.9, max_completion_tokens: 200, stop: ['END'], seed: 7 },
      telemetry: sdk.options(),
    });

    expect(sdk.spans().map((span) => span.name)).to.deep.equal(['chat gpt-4.1-mini', 'execute_tool get_weather', 'chat gpt-4.1-mini', 'invoke_agent']);
    const run = sdk.span('invoke_agent');
    const [firstChat, secondChat] = sdk.spans().filter((span) => span.name === 'chat gpt-4.1-mini');
    const tool = sdk.span('execute_tool get_weather');

    expect(parentId(run)).to.equal(undefined);
    expect(run.kind).to.equal(SpanKind.INTERNAL);
    expect(run.attributes).to.deep.equal({
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
      [ATTR_GEN_AI_PROVIDER_NAME]: GEN_AI_PROVIDER_NAME_VALUE_OPENAI,
      [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4.1-mini',
      [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 101,
      [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 19,
    });
    for (const span of [firstChat!, secondChat!, tool]) expect(parentId(span)).to.equal(spanId(run));
    for (const span of sdk.spans()) expect(span.status.code).to.equal(SpanStatusCode.UNSET);

    const port = Number(new URL(server.url).port);
    expect(firstChat!.kind).to.equal(SpanKind.CLIENT);
    expect(firstChat!.attributes).to.deep.include({
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_CHAT,
      [ATTR_GEN_AI_PROVIDER_NAME]: GEN_AI_PROVIDER_NAME_VALUE_OPENAI,
      [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4.1-mini',
      [ATTR_GEN_AI_REQUEST_STREAM]: true,
      [ATTR_GEN_AI_REQUEST_TEMPERATURE]: 0.2,
      [ATTR_GEN_AI_REQUEST_TOP_P]: 0.9,
      [ATTR_GEN_AI_REQUEST_MAX_TOKENS]: 200,
      [ATTR_GEN_AI_REQUEST_SEED]: 7,
      [ATTR_SERVER_ADDRESS]: '127.0.0.1',
      [ATTR_SERVER_PORT]: port,
      [ATTR_GEN_AI_RESPONSE_ID]: result.completions[0]!.id,
      [ATTR_GEN_AI_RESPONSE_MODEL]: result.completions[0]!.model,
      [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 40,
      [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 12,
      [ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 32,
    });
    expect(firstChat!.attributes[ATTR_GEN_AI_REQUEST_STOP_SEQUENCES]).to.deep.equal(['END']);
    expect(firstChat!.attributes[ATTR_GEN_AI_RESPONSE_FINISH_REASONS]).to.deep.equal(['tool_calls']);
    expect(secondChat!.attributes[ATTR_GEN_AI_RESPONSE_FINISH_REASONS]).to.deep.equal(['stop']);
    expect(secondChat!.attributes).to.deep.include({
      [ATTR_GEN_AI_RESPONSE_ID]: result.completions[1]!.id,
      [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 61,
      [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 7,
      [ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS]: 3,
    });
    expect(result.completions[0]!.id).to.not.equal(result.completions[1]!.id);
    const firstChunk = firstChat!.attributes[ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK] as number;
    const chatSeconds = firstChat!.duration[0] + firstChat!.duration[1] / 1e9;
    expect(firstChunk).to.be.greaterThan(0).and.at.most(chatSeconds);

    expect(tool.kind).to.equal(SpanKind.INTERNAL);
    expect(tool.attributes).to.deep.equal({
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
      [ATTR_GEN_AI_TOOL_NAME]: 'get_weather',
      [ATTR_GEN_AI_TOOL_CALL_ID]: 'call_tokyo',
      [ATTR_GEN_AI_TOOL_TYPE]: 'function',
    });
  });

  it('the other request parameters the conventions name: penalties, choice count, output type', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('{"ok":true}'), reply.text('plain')] });
    sdk = new OtelSdk();
    const params = { frequency_penalty: 0.1, presence_penalty: 0.3, n: 2, response_format: { type: 'json_object' as const }, stop: 'END' };
    await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('json')], params, telemetry: sdk.options() });
    await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('text')], params: { n: 1 }, telemetry: sdk.options() });
    const [json, plain] = sdk.spans().filter((span) => span.name === 'chat m');
    expect(json!.attributes).to.deep.include({
      [ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY]: 0.1,
      [ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY]: 0.3,
      [ATTR_GEN_AI_REQUEST_CHOICE_COUNT]: 2,
      [ATTR_GEN_AI_OUTPUT_TYPE]: GEN_AI_OUTPUT_TYPE_VALUE_JSON,
    });
    expect(json!.attributes[ATTR_GEN_AI_REQUEST_STOP_SEQUENCES]).to.deep.equal(['END']);
    for (const key of [ATTR_GEN_AI_REQUEST_CHOICE_COUNT, ATTR_GEN_AI_OUTPUT_TYPE, ATTR_GEN_AI_REQUEST_TEMPERATURE, ATTR_GEN_AI_REQUEST_STOP_SEQUENCES]) {
      expect(plain!.attributes, key).to.not.have.property(key);
    }
  });

  it("an Agent's runs are `invoke_agent {name}` with gen_ai.agent.name, through run() and stream()", async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('Hi.'), reply.text('Hi again.')] });
    sdk = new OtelSdk();
    const agent = new Agent({ client: server.client(), model: 'm', name: 'weather-bot', telemetry: sdk.options() });
    await agent.run('hello');
    await collect(agent.stream('hello again'));
    const runs = sdk.spans().filter((span) => span.name === 'invoke_agent weather-bot');
    expect(runs).to.have.length(2);
    for (const run of runs) expect(run.attributes[ATTR_GEN_AI_AGENT_NAME]).to.equal('weather-bot');
    expect(sdk.spans().filter((span) => span.name === 'chat m').map(parentId)).to.deep.equal(runs.map(spanId));
  });

  it('the chat span is active while the HTTP request is made, the tool span while the tool runs, the run span in hooks; the caller’s span is the parent', async () => {
    sdk = new OtelSdk();
    const activeAtFetch: (string | undefined)[] = [];
    const tracedFetch: typeof fetch = (input, init) => {
      // What HTTP client instrumentation (undici, http) does: a span under the active context.
      activeAtFetch.push(trace.getActiveSpan()?.spanContext().spanId);
      return sdk.tracer.startActiveSpan('POST /v1/chat/completions', { kind: SpanKind.CLIENT }, (http) => fetch(input, init).finally(() => http.end()));
    };
    server = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('lookup', { q: 'x' })), reply.text('Done.')] });
    const lookup = new FunctionTool({
      name: 'lookup',
      execute: () => sdk.tracer.startActiveSpan('db.query', async (query) => {
        await sleep(5);
        query.end();
        return 'found';
      }),
    });
    const activeInHooks: (string | undefined)[] = [];
    class SpanWatcher {
      @OnIterationStarted()
      started(_event: unknown, _run: RunInfo) {
        activeInHooks.push(trace.getActiveSpan()?.spanContext().spanId);
      }
      @OnContentDone()
      contentDone(_event: unknown, _run: RunInfo) {
        activeInHooks.push(trace.getActiveSpan()?.spanContext().spanId);
      }
    }

    await sdk.tracer.startActiveSpan('HTTP POST /chat', async (request) => {
      await streamUntilUserInput({
        client: server.client({ fetch: tracedFetch }),
        model: 'm',
        messages: [user('find x')],
        tools: [lookup],
        streamHandler: new SpanWatcher(),
        telemetry: sdk.options(),
      });
      request.end();
    });

    const run = sdk.span('invoke_agent');
    const chats = sdk.spans().filter((span) => span.name === 'chat m');
    const tool = sdk.span('execute_tool lookup');
    expect(parentId(run)).to.equal(spanId(sdk.span('HTTP POST /chat')));
    expect(activeAtFetch).to.deep.equal(chats.map(spanId));
    expect(sdk.spans().filter((span) => span.name === 'POST /v1/chat/completions').map(parentId)).to.deep.equal(chats.map(spanId));
    expect(parentId(sdk.span('db.query'))).to.equal(spanId(tool));
    // Lifecycle hooks and stream hooks (called while the SDK pulls chunks) alike.
    expect(activeInHooks).to.deep.equal([spanId(run), spanId(run), spanId(run)]);
  });

  it('parallel calls of one message each run under their own span', async () => {
    sdk = new OtelSdk();
    server = await ScriptedChatServer.start({
      script: [reply.toolCalls([toolCall('slow', { n: 1 }, { id: 'c1' }), toolCall('slow', { n: 2 }, { id: 'c2' }), toolCall('slow', { n: 3 }, { id: 'c3' })]), reply.text('ok')],
    });
    const seen = new Map<string, string | undefined>();
    const slow = new FunctionTool({
      name: 'slow',
      execute: async ({ n }: { n: number }) => {
        await sleep(30 - n * 5);
        seen.set(`n${n}`, trace.getActiveSpan()?.spanContext().spanId);
        return `done ${n}`;
      },
    });
    await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('go')], tools: [slow], telemetry: sdk.options() });
    const byCallId = new Map(sdk.spans().filter((span) => span.name === 'execute_tool slow').map((span) => [span.attributes[ATTR_GEN_AI_TOOL_CALL_ID], spanId(span)]));
    expect([...byCallId.keys()].sort()).to.deep.equal(['c1', 'c2', 'c3']);
    expect(seen.get('n1')).to.equal(byCallId.get('c1'));
    expect(seen.get('n2')).to.equal(byCallId.get('c2'));
    expect(seen.get('n3')).to.equal(byCallId.get('c3'));
  });

  it('keeps the tree without a context manager (spans are parented explicitly)', async () => {
    sdk = new OtelSdk({ contextManager: false });
    server = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('get_weather', { city: 'Oslo' })), reply.text('Rain.')] });
    await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('Oslo?')], tools: [weather], telemetry: sdk.options() });
    const run = sdk.span('invoke_agent');
    const children = sdk.spans().filter((span) => span !== run);
    expect(children.map((span) => span.name)).to.deep.equal(['chat m', 'execute_tool get_weather', 'chat m']);
    for (const span of children) expect(parentId(span)).to.equal(spanId(run));
  });

  it('telemetry: true uses the global providers', async () => {
    sdk = new OtelSdk({ global: true });
    server = await ScriptedChatServer.start({ script: [reply.text('ok')] });
    await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('hi')], telemetry: true });
    expect(sdk.spans().map((span) => span.name)).to.deep.equal(['chat m', 'invoke_agent']);
    expect(sdk.span('invoke_agent').instrumentationScope.name).to.equal('chat-cmpl-stream-handler');
    expect(sdk.span('invoke_agent').instrumentationScope.schemaUrl).to.equal('https://opentelemetry.io/schemas/1.41.0');
    expect(sdk.spans().every((span) => span.attributes[ATTR_ERROR_TYPE] === undefined)).to.equal(true);
  });

  it('telemetry off (the default, or false) records nothing even with global providers', async () => {
    sdk = new OtelSdk({ global: true });
    server = await ScriptedChatServer.start({ script: [reply.text('one'), reply.text('two')] });
    await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('hi')] });
    await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('hi')], telemetry: false });
    expect(sdk.spans()).to.deep.equal([]);
  });
});
