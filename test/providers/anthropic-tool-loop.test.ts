import { expect } from 'chai';
import {
  Agent,
  ChatCompletionStreamHandler,
  FunctionTool,
  streamUntilUserInput,
  type ChunkEvent,
  type ContentDeltaEvent,
  type FunctionToolCallArgumentsDoneEvent,
  type IterationCompletedEvent,
  type ReasoningDeltaEvent,
  type ReasoningDoneEvent,
  type RunCompletedEvent,
  type RunInfo,
  type ToolCallCompletedEvent,
  type ToolCallStartedEvent,
} from 'chat-cmpl-stream-handler';
import { AnthropicOpenAI } from 'chat-cmpl-stream-handler/anthropic';
import { anthropicReply, ScriptedAnthropicServer, toolUse } from 'chat-cmpl-stream-handler/testing';

const weatherSchema = {
  type: 'object',
  properties: { city: { type: 'string' } },
  required: ['city'],
  additionalProperties: false,
} as const;

const getWeather = new FunctionTool<{ city: string }, { units?: string } | undefined>({
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: weatherSchema,
  strict: true,
  execute: ({ city }, context) => `Sunny in ${city}, 25${context?.units === 'F' ? '°F' : '°C'}`,
});

/** Records every hook call, in order, as `[hook, payload, iteration]`. */
class Recorder extends ChatCompletionStreamHandler {
  readonly calls: [string, unknown, number][] = [];
  readonly chunks: ChunkEvent[] = [];
  override async onChunk(event: ChunkEvent) {
    this.chunks.push(event);
  }
  override async onContentDelta(event: ContentDeltaEvent, run: RunInfo) {
    this.calls.push(['contentDelta', event.delta, run.iteration]);
  }
  override async onToolCallsFunctionArgumentsDone(event: FunctionToolCallArgumentsDoneEvent, run: RunInfo) {
    this.calls.push(['argumentsDone', [event.index, event.name, event.parsed_arguments ?? JSON.parse(event.arguments)], run.iteration]);
  }
  override async onReasoningDelta(event: ReasoningDeltaEvent, run: RunInfo) {
    this.calls.push(['reasoningDelta', [event.field, event.delta], run.iteration]);
  }
  override async onReasoningDone(event: ReasoningDoneEvent, run: RunInfo) {
    this.calls.push(['reasoningDone', event.reasoning, run.iteration]);
  }
  override async onToolCallStarted(event: ToolCallStartedEvent, run: RunInfo) {
    this.calls.push(['toolStarted', event.toolCall.id, run.iteration]);
  }
  override async onToolCallCompleted(event: ToolCallCompletedEvent, run: RunInfo) {
    this.calls.push(['toolCompleted', [event.toolCall.id, event.result.content], run.iteration]);
  }
  override async onIterationCompleted(event: IterationCompletedEvent, run: RunInfo) {
    this.calls.push(['iterationCompleted', event.usage, run.iteration]);
  }
  override async onRunCompleted(event: RunCompletedEvent, run: RunInfo) {
    this.calls.push(['runCompleted', event.result.finalContent, run.iteration]);
  }
  /** Text of the content deltas of one iteration. */
  text(iteration: number): string {
    return this.calls.filter(([hook, , i]) => hook === 'contentDelta' && i === iteration).map(([, delta]) => delta).join('');
  }
  /** The calls of some hooks only, without the deltas. */
  only(...hooks: string[]): [string, unknown, number][] {
    return this.calls.filter(([hook]) => hooks.includes(hook));
  }
}

describe('AnthropicOpenAI: the tool loop on the Messages API', () => {
  let server: ScriptedAnthropicServer;
  afterEach(async () => server?.close({ force: true }));

  it('runs a whole tool loop through streamUntilUserInput: every Messages request translated, every event and hook reported', async () => {
    server = await ScriptedAnthropicServer.start({
      script: [
        anthropicReply.toolUse([toolUse('get_weather', { city: 'Tokyo' }, { id: 'toolu_w' }), toolUse('get_time', { zone: 'Asia/Tokyo' }, { id: 'toolu_t' })], {
          text: 'Let me check.',
          usage: { input_tokens: 100, output_tokens: 20, cache_creation_input_tokens: 10, cache_read_input_tokens: 50 },
        }),
        anthropicReply.text('Sunny in Tokyo, 09:00.', { usage: { input_tokens: 150, output_tokens: 8 } }),
      ],
    });
    const recorder = new Recorder();
    const result = await streamUntilUserInput({
      client: new AnthropicOpenAI({ baseURL: server.url, apiKey: 'test' }),
      model: 'claude-haiku-4-5',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: 'Answer in English.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather and time in Tokyo?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } },
          ],
        },
      ],
      tools: [getWeather, { type: 'function', function: { name: 'get_time', description: 'Local time', parameters: { type: 'object', properties: { zone: { type: 'string' } } } } }],
      toolInvokers: { get_time: () => '09:00' },
      parallelToolCalls: false, // one at a time, so the hook order below is fixed
      params: {
        temperature: 1.4,
        top_p: 0.9,
        stop: 'END',
        tool_choice: 'auto',
        parallel_tool_calls: false,
        user: 'user-42',
        response_format: { type: 'json_object' },
        logprobs: true,
        top_logprobs: 2,
        n: 1,
        seed: 7,
        presence_penalty: 0.5,
      },
      streamHandler: recorder,
    });

    const [first, second] = server.requests;
    expect(first!.path).to.equal('/v1/messages');
    expect(first!.headers['x-api-key']).to.equal('test');
    expect(first!.headers['anthropic-version']).to.equal('2023-06-01');
    expect(first!.headers['authorization']).to.equal(undefined);
    const tools = [
      { name: 'get_weather', description: 'Current weather for a city', input_schema: weatherSchema },
      { name: 'get_time', description: 'Local time', input_schema: { type: 'object', properties: { zone: { type: 'string' } } } },
    ];
    // The whole body: OpenAI-only keys (stream_options the engine adds, response_format, logprobs, n, seed, ...) are gone.
    expect(first!.body).to.deep.equal({
      model: 'claude-haiku-4-5',
      max_tokens: 4096,
      system: [
        { type: 'text', text: 'You are terse.' },
        { type: 'text', text: 'Answer in English.' },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather and time in Tokyo?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          ],
        },
      ],
      stop_sequences: ['END'],
      temperature: 1,
      top_p: 0.9,
      stream: true,
      metadata: { user_id: 'user-42' },
      tools,
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    });
    expect(second!.body.messages).to.deep.equal([
      first!.body.messages[0],
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me check.' },
          { type: 'tool_use', id: 'toolu_w', name: 'get_weather', input: { city: 'Tokyo' } },
          { type: 'tool_use', id: 'toolu_t', name: 'get_time', input: { zone: 'Asia/Tokyo' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_w', content: 'Sunny in Tokyo, 25°C' },
          { type: 'tool_result', tool_use_id: 'toolu_t', content: '09:00' },
        ],
      },
    ]);
    expect(second!.body.tools).to.deep.equal(tools);

    expect(recorder.text(0)).to.equal('Let me check.');
    expect(recorder.text(1)).to.equal('Sunny in Tokyo, 09:00.');
    const firstUsage = {
      prompt_tokens: 160,
      completion_tokens: 20,
      total_tokens: 180,
      prompt_tokens_details: { cached_tokens: 50 },
      cache_creation_input_tokens: 10,
      cache_read_input_tokens: 50,
    };
    const secondUsage = { prompt_tokens: 150, completion_tokens: 8, total_tokens: 158 };
    expect(recorder.only('argumentsDone', 'toolStarted', 'toolCompleted', 'iterationCompleted', 'runCompleted')).to.deep.equal([
      ['argumentsDone', [0, 'get_weather', { city: 'Tokyo' }], 0],
      ['argumentsDone', [1, 'get_time', { zone: 'Asia/Tokyo' }], 0],
      ['iterationCompleted', firstUsage, 0],
      ['toolStarted', 'toolu_w', 0],
      ['toolCompleted', ['toolu_w', 'Sunny in Tokyo, 25°C'], 0],
      ['toolStarted', 'toolu_t', 0],
      ['toolCompleted', ['toolu_t', '09:00'], 0],
      ['iterationCompleted', secondUsage, 1],
      ['runCompleted', 'Sunny in Tokyo, 09:00.', 1],
    ]);
    const firstChunk = recorder.chunks[0]!.chunk;
    expect([firstChunk.id, firstChunk.model, firstChunk.choices[0]!.delta.role]).to.deep.equal(['msg_scripted_1', 'claude-haiku-4-5', 'assistant']);

    expect(result.finalContent).to.equal('Sunny in Tokyo, 09:00.');
    expect(result.messages.map((m) => m.role)).to.deep.equal(['system', 'developer', 'user', 'assistant', 'tool', 'tool', 'assistant']);
    expect(result.completions.map((c) => [c.id, c.choices[0]!.finish_reason])).to.deep.equal([
      ['msg_scripted_1', 'tool_calls'],
      ['msg_scripted_2', 'stop'],
    ]);
    expect(result.usages).to.deep.equal([firstUsage, secondUsage]);
    expect(result.totalUsage).to.deep.include({ prompt_tokens: 310, completion_tokens: 28, total_tokens: 338 });
    await server.close();
  });

  it('keeps thinking blocks across a tool turn: streamed as reasoning, sent back first and signed in the next request', async () => {
    const thinking = 'The user wants the weather. I will call get_weather for Tokyo.';
    server = await ScriptedAnthropicServer.start({
      script: [
        anthropicReply.toolUse(toolUse('get_weather', { city: 'Tokyo' }, { id: 'toolu_1' }), { thinking, redactedThinking: 'EuYBCkQYAiJA==opaque' }),
        anthropicReply.text('It is sunny in Tokyo.', { thinking: 'The tool says sunny.' }),
      ],
    });
    const recorder = new Recorder();
    const result = await streamUntilUserInput({
      client: server.client(),
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'Weather in Tokyo?' }],
      tools: [getWeather],
      params: { thinking: { type: 'enabled', budget_tokens: 2048 }, max_tokens: 8000 } as object,
      streamHandler: recorder,
    });

    // Hooks see the thinking text as reasoning, before the tool call.
    const reasoning = recorder.only('reasoningDelta', 'reasoningDone', 'argumentsDone').filter(([, , i]) => i === 0);
    expect(reasoning.filter(([hook]) => hook === 'reasoningDelta').map(([, [field, delta]]: any) => `${field}:${delta}`).join('|')).to.equal(
      thinking.match(/.{1,4}/gs)!.map((piece) => `reasoning_content:${piece}`).join('|'),
    );
    expect(reasoning.slice(-2)).to.deep.equal([
      ['reasoningDone', thinking, 0],
      ['argumentsDone', [0, 'get_weather', { city: 'Tokyo' }], 0],
    ]);

    // The assistant message keeps the text as reasoning_content and the signed blocks as thinking_blocks.
    const assistant = result.messages[1] as any;
    expect(assistant.reasoning_content).to.equal(thinking);
    expect(assistant.thinking_blocks).to.have.length(2);
    const [signed, redacted] = assistant.thinking_blocks;
    expect(signed).to.include({ type: 'thinking', thinking });
    expect(signed.signature).to.be.a('string').and.not.equal('');
    expect(redacted).to.deep.equal({ type: 'redacted_thinking', data: 'EuYBCkQYAiJA==opaque' });

    // Anthropic-only params pass through; the next request puts the blocks first, unchanged (the server checks signatures).
    const [first, second] = server.bodies;
    expect(first.thinking).to.deep.equal({ type: 'enabled', budget_tokens: 2048 });
    expect(first.max_tokens).to.equal(8000);
    expect(second.messages[1]).to.deep.equal({
      role: 'assistant',
      content: [signed, redacted, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Tokyo' } }],
    });
    expect(result.finalContent).to.equal('It is sunny in Tokyo.');
    expect((result.toInputList()[3] as any).thinking_blocks[0]).to.include({ type: 'thinking', thinking: 'The tool says sunny.' });
    await server.close();
  });

  it('serves an Agent: instructions become system, tools get the run context, handlers see the run', async () => {
    server = await ScriptedAnthropicServer.start({
      script: [anthropicReply.toolUse(toolUse('get_weather', { city: 'Paris' })), anthropicReply.text('Sunny in Paris, 25°F.')],
    });
    const recorder = new Recorder();
    const agent = new Agent<{ units: string }>({
      client: server.client(),
      model: 'claude-haiku-4-5',
      instructions: 'You are a weather bot.',
      tools: [getWeather],
      handlers: [recorder],
    });
    const result = await agent.run('Weather in Paris?', { context: { units: 'F' } });

    expect(server.bodies[0].system).to.equal('You are a weather bot.');
    expect(server.bodies[0].messages).to.deep.equal([{ role: 'user', content: 'Weather in Paris?' }]);
    expect(server.bodies[1].messages[2]).to.deep.equal({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'toolu_1_0', content: 'Sunny in Paris, 25°F' }],
    });
    expect(recorder.only('toolCompleted', 'runCompleted')).to.deep.equal([
      ['toolCompleted', ['toolu_1_0', 'Sunny in Paris, 25°F'], 0],
      ['runCompleted', 'Sunny in Paris, 25°F.', 1],
    ]);
    expect(result.finalContent).to.equal('Sunny in Paris, 25°F.');
    await server.close();
  });
});
