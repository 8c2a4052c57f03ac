import { expect } from 'chai';
import OpenAI from 'openai';
import { FunctionTool, OnToolCallArgumentsDone, streamUntilUserInput, streamUntilUserInputEvents, type ReasoningDeltaEvent, type StreamEvent, type FunctionToolCallArgumentsDoneEvent } from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { collect, user } from '../support/helpers.js';

const echo = new FunctionTool({ name: 'echo', execute: ({ v }: { v: number }) => `echo ${v}` });
const lookup = new FunctionTool({ name: 'lookup', execute: ({ q }: { q: string }) => `found ${q}` });

function streamEvents(events: Awaited<ReturnType<typeof collect>>): StreamEvent[] {
  return events.flatMap((e) => (e.type === 'stream.event' ? [e.event] : []));
}

describe('provider quirks', () => {
  let server: ScriptedChatServer;
  afterEach(async () => server?.close({ force: true }));

  it('handles tool-call deltas without index (Gemini), several calls in one message', async () => {
    const geminiCalls = () =>
      reply.toolCalls([toolCall('echo', { v: 1 }, { id: 'g1' }), toolCall('lookup', { q: 'tea' }, { id: 'g2' })], {
        quirks: { omitToolCallIndex: true },
      });
    server = await ScriptedChatServer.start({ script: [geminiCalls()] });
    // The SDK's own helper cannot read this stream: openai 7.x throws "invalid tool call index:
    // undefined", 6.x loses the calls.
    const raw = server.client().chat.completions.stream({ model: 'm', messages: [user('x')] });
    const rawOutcome = await raw.finalChatCompletion().then(
      (completion) => completion.choices[0]!.message.tool_calls ?? [],
      (error: Error) => error.message,
    );
    if (typeof rawOutcome === 'string') expect(rawOutcome).to.match(/tool call index/);
    else expect(rawOutcome.map((call: any) => call.id)).to.not.deep.equal(['g1', 'g2']);
    server.enqueue(geminiCalls(), reply.text('done'));
    const result = await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], tools: [echo, lookup] });
    const assistant = result.messages[1] as any;
    expect(assistant.tool_calls.map((c: any) => [c.id, c.function.name, c.function.arguments])).to.deep.equal([
      ['g1', 'echo', '{"v":1}'],
      ['g2', 'lookup', '{"q":"tea"}'],
    ]);
    expect(result.messages.slice(2, 4)).to.deep.equal([
      { role: 'tool', tool_call_id: 'g1', content: 'echo 1' },
      { role: 'tool', tool_call_id: 'g2', content: 'found tea' },
    ]);
  });

  it('handles a first tool call at index 1 (Anthropic compatible endpoint) after text', async () => {
    server = await ScriptedChatServer.start({
      script: [reply.toolCalls(toolCall('echo', { v: 7 }), { content: 'Let me echo.', quirks: { toolCallIndexOffset: 1 } }), reply.text('ok')],
    });
    const events = await collect(streamUntilUserInputEvents({ client: server.client(), model: 'm', messages: [user('x')], tools: [echo] }));
    const done = streamEvents(events).filter((e) => e.type === 'tool_calls.function.arguments.done');
    expect(done).to.have.length(1);
    expect(done[0]).to.deep.include({ index: 0, name: 'echo', arguments: '{"v":7}' });
    const assistant = server.requests[1]!.body.messages[1];
    expect(assistant.content).to.equal('Let me echo.');
    expect(assistant.tool_calls).to.have.length(1);
    expect(server.requests[1]!.body.messages[2].content).to.equal('echo 7');
  });

  it('ignores empty tool_calls arrays in text deltas and never sends them back', async () => {
    server = await ScriptedChatServer.start({
      script: [reply.text('plain answer', { quirks: { emptyToolCallsInTextDeltas: true } }), reply.text('second')],
    });
    const first = await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')] });
    expect(first.messages[1]).to.deep.equal({ role: 'assistant', content: 'plain answer' });
    await streamUntilUserInput({ client: server.client(), model: 'm', messages: [...first.toInputList(), user('again')] });
    expect(server.requests[1]!.body.messages[1]).to.not.have.property('tool_calls');
  });

  it('drops a placeholder first chunk and keeps usage from a usage-only last chunk with an empty id', async () => {
    server = await ScriptedChatServer.start({
      script: [reply.text('hello', { quirks: { placeholderFirstChunk: true, usageChunkWithoutId: true }, usage: { prompt_tokens: 3, completion_tokens: 2 } })],
    });
    const events = await collect(
      streamUntilUserInputEvents({ client: server.client(), model: 'm', messages: [user('x')], params: { stream_options: undefined } }),
    );
    const completed = events.find((e) => e.type === 'iteration.completed') as any;
    expect(completed.completion.id).to.equal('chatcmpl-scripted-1');
    expect(completed.usage).to.deep.equal({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
    const chunks = streamEvents(events).filter((e) => e.type === 'chunk');
    expect(chunks.every((c) => c.type === 'chunk' && c.chunk.id === 'chatcmpl-scripted-1')).to.equal(true);
  });

  it('completes a turn whose stream never sends a finish_reason (tool calls → tool_calls, text → stop)', async () => {
    server = await ScriptedChatServer.start({
      script: [reply.toolCalls(toolCall('echo', { v: 2 }), { finishReason: null }), reply.text('bye', { finishReason: null })],
    });
    const events = await collect(streamUntilUserInputEvents({ client: server.client(), model: 'm', messages: [user('x')], tools: [echo] }));
    const finishes = events.filter((e) => e.type === 'iteration.completed').map((e: any) => e.completion.choices[0].finish_reason);
    expect(finishes).to.deep.equal(['tool_calls', 'stop']);
    expect(events.at(-1)!.type).to.equal('run.completed');
  });

  it('accepts streams without role, tool-call type, or with object arguments', async () => {
    server = await ScriptedChatServer.start({
      script: [
        reply.raw([
          { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'k1', function: { name: 'echo', arguments: { v: 5 } } }] }, finish_reason: 'tool_calls' }] },
        ]),
        reply.text('fine', { quirks: { omitRole: true } }),
      ],
    });
    const result = await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], tools: [echo] });
    expect((result.messages[1] as any).tool_calls[0]).to.deep.equal({ id: 'k1', type: 'function', function: { name: 'echo', arguments: '{"v":5}' } });
    expect(result.messages[2]).to.deep.include({ content: 'echo 5' });
    expect(result.finalContent).to.equal('fine');
  });

  it('splits calls a provider sends at one index with different ids', async () => {
    const call = (id: string, v: number) => ({
      id: 'c1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'm',
      choices: [{ index: 0, delta: { role: 'assistant', tool_calls: [{ index: 0, id, type: 'function', function: { name: 'echo', arguments: JSON.stringify({ v }) } }] }, finish_reason: null }],
    });
    server = await ScriptedChatServer.start({
      script: [
        reply.raw([call('a1', 1), call('a2', 2), { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] }]),
        reply.text('ok'),
      ],
    });
    const result = await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], tools: [echo] });
    expect(result.messages.filter((m) => m.role === 'tool').map((m) => m.content)).to.deep.equal(['echo 1', 'echo 2']);
  });

  it("keeps Gemini 3 thought signatures (extra_content) on tool calls and sends them back", async () => {
    const signature = { google: { thought_signature: 'c2lnbmF0dXJl' } };
    server = await ScriptedChatServer.start({
      script: [
        reply.toolCalls(toolCall('echo', { v: 3 }, { id: 'gem1', extra: { extra_content: signature } }), { quirks: { omitToolCallIndex: true } }),
        reply.text('done'),
      ],
    });
    const result = await streamUntilUserInput({ client: server.client(), model: 'gemini-3-pro', messages: [user('x')], tools: [echo] });
    const sentBack = server.requests[1]!.body.messages[1].tool_calls[0];
    expect(sentBack).to.deep.equal({ id: 'gem1', type: 'function', function: { name: 'echo', arguments: '{"v":3}' }, extra_content: signature });
    expect((result.toInputList()[1] as any).tool_calls[0].extra_content).to.deep.equal(signature);
  });

  for (const field of ['reasoning_content', 'reasoning'] as const) {
    it(`concatenates ${field} fragments, reports them as reasoning events and sends them back`, async () => {
      const thinking = 'First I think about the question, then I call a tool.';
      server = await ScriptedChatServer.start({
        script: [
          reply.message({ reasoning: thinking, reasoningField: field, toolCalls: [toolCall('echo', { v: 9 })], chunkSize: 3 }),
          reply.text('answer'),
        ],
      });
      const events = await collect(streamUntilUserInputEvents({ client: server.client(), model: 'deepseek-reasoner', messages: [user('x')], tools: [echo] }));
      const stream = streamEvents(events);
      const deltas = stream.filter((e): e is ReasoningDeltaEvent => e.type === 'reasoning.delta');
      expect(deltas.map((d) => d.delta).join('')).to.equal(thinking);
      expect(deltas.at(-1)!.snapshot).to.equal(thinking);
      const done = stream.filter((e) => e.type === 'reasoning.done');
      expect(done).to.deep.equal([{ type: 'reasoning.done', reasoning: thinking, field }]);
      // reasoning.done comes before the first tool-call event of the turn
      const doneAt = stream.findIndex((e) => e.type === 'reasoning.done');
      const firstArgs = stream.findIndex((e) => e.type === 'tool_calls.function.arguments.delta');
      expect(doneAt).to.be.lessThan(firstArgs);
      // DeepSeek answers 400 when the reasoning of a tool-calling turn is not sent back in full.
      expect(server.requests[1]!.body.messages[1][field]).to.equal(thinking);
    });
  }

  it('reports reasoning.done for a reasoning-only stream that ends without a finish_reason', async () => {
    server = await ScriptedChatServer.start({ script: [reply.message({ reasoning: 'just thinking', finishReason: null })] });
    const events = await collect(streamUntilUserInputEvents({ client: server.client(), model: 'm', messages: [user('x')] }));
    expect(streamEvents(events).filter((e) => e.type === 'reasoning.done')).to.deep.equal([
      { type: 'reasoning.done', reasoning: 'just thinking', field: 'reasoning_content' },
    ]);
    const completed = events.find((e) => e.type === 'iteration.completed') as any;
    expect(completed.assistantMessage).to.deep.include({ reasoning_content: 'just thinking' });
  });

  it('works through a plain OpenAI client constructed by the user, not only server.client()', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('hi there')] });
    const client = new OpenAI({ apiKey: 'k', baseURL: server.url, maxRetries: 0 });
    const result = await streamUntilUserInput({ client, model: 'm', messages: [user('x')] });
    expect(result.finalContent).to.equal('hi there');
    expect(server.requests[0]!.headers.authorization).to.equal('Bearer k');
  });

  it('reports arguments.done for tool calls delivered whole in the finish_reason chunk (Gemini, Mistral)', async () => {
    // Gemini's OpenAI-compatible endpoint: every call complete, no index, in the one chunk that finishes.
    const chunk = {
      id: 'gem-7',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gemini-2.5-flash',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          delta: {
            role: 'assistant',
            tool_calls: [
              { id: 'function-call-1', type: 'function', function: { name: 'echo', arguments: '{"v":1}' } },
              { id: 'function-call-2', type: 'function', function: { name: 'lookup', arguments: '{"q":"tea"}' } },
            ],
          },
        },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 },
    };
    server = await ScriptedChatServer.start({ script: [reply.raw([chunk]), reply.text('done')] });
    class ArgumentsWatcher {
      seen: [string, string][] = [];
      @OnToolCallArgumentsDone() done(event: FunctionToolCallArgumentsDoneEvent) {
        this.seen.push([event.name, event.arguments]);
      }
    }
    const watcher = new ArgumentsWatcher();
    const events = await collect(
      streamUntilUserInputEvents({ client: server.client(), model: 'm', messages: [user('x')], tools: [echo, lookup], streamHandler: watcher }),
    );
    expect(watcher.seen).to.deep.equal([
      ['echo', '{"v":1}'],
      ['lookup', '{"q":"tea"}'],
    ]);
    const done = streamEvents(events).filter((e) => e.type === 'tool_calls.function.arguments.done');
    expect(done.map((e: any) => e.index)).to.deep.equal([0, 1]);
    const completed = events.find((e) => e.type === 'iteration.completed') as any;
    expect(completed.completion.choices[0].finish_reason).to.equal('tool_calls');
    expect(completed.usage).to.deep.equal({ prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 });
    expect(events.filter((e) => e.type === 'tool_call.completed')).to.have.length(2);
  });

  it("reads Mistral's content parts: text parts are content, thinking parts reasoning", async () => {
    const chunk = (content: unknown, finish: string | null = null) => ({
      id: 'cmpl-m1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'magistral-medium-2509',
      choices: [{ index: 0, delta: { role: 'assistant', content }, finish_reason: finish }],
    });
    server = await ScriptedChatServer.start({
      script: [
        reply.raw([
          chunk([{ type: 'thinking', thinking: [{ type: 'text', text: 'The user wants ' }] }]),
          chunk([{ type: 'thinking', thinking: [{ type: 'text', text: 'a greeting.' }] }]),
          chunk([{ type: 'text', text: 'Hello' }]),
          chunk([{ type: 'text', text: ', world' }]),
          chunk('!', 'stop'),
        ]),
        reply.text('again'),
      ],
    });
    const events = await collect(streamUntilUserInputEvents({ client: server.client(), model: 'magistral', messages: [user('hi')] }));
    const stream = streamEvents(events);
    expect(stream.filter((e) => e.type === 'content.delta').map((e: any) => e.delta)).to.deep.equal(['Hello', ', world', '!']);
    expect(stream.filter((e) => e.type === 'reasoning.delta').map((e: any) => e.delta)).to.deep.equal(['The user wants ', 'a greeting.']);
    expect(stream.filter((e) => e.type === 'reasoning.done')).to.deep.equal([
      { type: 'reasoning.done', reasoning: 'The user wants a greeting.', field: 'reasoning_content' },
    ]);
    const result = (events.at(-1) as any).result;
    // Mistral refuses reasoning_content in input messages: the thinking stays on the completion, out of the history.
    expect(result.messages[1]).to.deep.equal({ role: 'assistant', content: 'Hello, world!' });
    expect(result.completions[0].choices[0].message.reasoning_content).to.equal('The user wants a greeting.');
    expect(result.finalContent).to.equal('Hello, world!');
  });

  it('keeps the usage of a provider that sends "id": "" on every chunk (Snowflake Cortex)', async () => {
    const base = { id: '', object: 'chat.completion.chunk', created: 1, model: 'claude-sonnet-4-5' };
    server = await ScriptedChatServer.start({
      script: [
        reply.raw([
          { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' }, finish_reason: null }] },
          { ...base, choices: [{ index: 0, delta: { content: ' there' }, finish_reason: 'stop' }] },
          { ...base, choices: [], usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 } },
        ]),
      ],
    });
    const result = await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')] });
    expect(result.finalContent).to.equal('Hi there');
    expect(result.usages).to.deep.equal([{ prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 }]);
    expect(result.completions[0]!.usage).to.deep.equal({ prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 });
  });

  it('passes a valid OpenAI stream through the normaliser unchanged (chunk for chunk)', async () => {
    server = await ScriptedChatServer.start({
      script: [reply.message({ content: 'Let me check.', toolCalls: [toolCall('echo', { v: 4 }, { id: 'call_x' })], chunkSize: 3, usage: { prompt_tokens: 5, completion_tokens: 6 } })],
    });
    const sent: unknown[] = [];
    const raw = await server.client().chat.completions.create({ model: 'm', messages: [user('x')], stream: true, stream_options: { include_usage: true } });
    // Each request gets its own id and timestamp; everything else must be identical.
    const plain = (chunk: unknown) => ({ ...JSON.parse(JSON.stringify(chunk)), id: 'same', created: 0 });
    for await (const chunk of raw) sent.push(plain(chunk));
    server.enqueue(reply.message({ content: 'Let me check.', toolCalls: [toolCall('echo', { v: 4 }, { id: 'call_x' })], chunkSize: 3, usage: { prompt_tokens: 5, completion_tokens: 6 } }));
    const events = await collect(
      streamUntilUserInputEvents({ client: server.client(), model: 'm', messages: [user('x')], tools: [echo], maxIterations: 1 }),
    );
    const seen = streamEvents(events).flatMap((e) => (e.type === 'chunk' ? [plain(e.chunk)] : []));
    expect(seen).to.deep.equal(sent);
  });
});
