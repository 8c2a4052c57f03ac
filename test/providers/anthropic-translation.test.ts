import { expect } from 'chai';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpenAIError } from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { AnthropicOpenAI, DEFAULT_MAX_TOKENS } from 'chat-cmpl-stream-handler/anthropic';
import { anthropicReply, ScriptedAnthropicServer } from 'chat-cmpl-stream-handler/testing';
import { sleep, user } from '../support/helpers.js';

const model = 'claude-haiku-4-5';
const fn = (name: string) => ({ type: 'function' as const, function: { name, parameters: { type: 'object', properties: {} } } });

/** Runs `body` as a non-streaming request and returns the Messages body the server received. */
async function sent(server: ScriptedAnthropicServer, body: Omit<ChatCompletionCreateParamsNonStreaming, 'model'>, client = server.client()) {
  server.enqueue(anthropicReply.text('ok'));
  await client.chat.completions.create({ model, ...body });
  return server.bodies.at(-1);
}

describe('AnthropicOpenAI: translation both ways', () => {
  let server: ScriptedAnthropicServer;
  beforeEach(async () => {
    server = await ScriptedAnthropicServer.start();
  });
  afterEach(async () => server.close({ force: true }));

  it('translates a conversation: system blocks, merged user turns, tool_use, grouped tool_result with is_error, dropped empties', async () => {
    const body = await sent(server, {
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Be exact.', cache_control: { type: 'ephemeral' } } as any] },
        { role: 'user', content: 'Look at this' },
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
            { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'cv.pdf' } },
          ],
        },
        {
          role: 'assistant',
          content: '',
          reasoning_content: 'not sent: Anthropic needs the signed thinking_blocks',
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cat"}' } },
            { id: 'c2', type: 'function', function: { name: 'lookup', arguments: '{"q":' } },
          ],
        } as any,
        { role: 'tool', tool_call_id: 'c1', content: 'a cat' },
        { role: 'tool', tool_call_id: 'c2', content: [{ type: 'text', text: 'arguments were not valid JSON' }], is_error: true } as any,
        { role: 'user', content: 'And now?' },
        { role: 'assistant', content: [{ type: 'text', text: 'It is a cat.' }, { type: 'refusal', refusal: 'No more.' }] },
        user('Thanks'),
      ],
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } }, strict: true } }],
    });
    expect(body.system).to.deep.equal([{ type: 'text', text: 'Be exact.', cache_control: { type: 'ephemeral' } }]);
    expect(body.messages).to.deep.equal([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look at this' },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'cv.pdf' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'c1', name: 'lookup', input: { q: 'cat' } },
          // Arguments cut by max_tokens are not an object: sent as {} (the tool message said they were invalid).
          { type: 'tool_use', id: 'c2', name: 'lookup', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'c1', content: 'a cat' },
          { type: 'tool_result', tool_use_id: 'c2', content: [{ type: 'text', text: 'arguments were not valid JSON' }], is_error: true },
          { type: 'text', text: 'And now?' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'It is a cat.' },
          { type: 'text', text: 'No more.' },
        ],
      },
      { role: 'user', content: 'Thanks' },
    ]);
    expect(body.tools).to.deep.equal([{ name: 'lookup', input_schema: { type: 'object', properties: { q: { type: 'string' } } } }]);
    await server.close();
  });

  it('maps tool_choice and parallel_tool_calls', async () => {
    const tools = [fn('a'), fn('b')];
    const cases: [Partial<ChatCompletionCreateParamsNonStreaming>, unknown, string[]][] = [
      [{ tool_choice: 'auto' }, { type: 'auto' }, ['a', 'b']],
      [{ tool_choice: 'required' }, { type: 'any' }, ['a', 'b']],
      [{ tool_choice: 'none' }, { type: 'none' }, ['a', 'b']],
      [{ tool_choice: { type: 'function', function: { name: 'b' } } }, { type: 'tool', name: 'b' }, ['a', 'b']],
      [{ parallel_tool_calls: false }, { type: 'auto', disable_parallel_tool_use: true }, ['a', 'b']],
      [{ tool_choice: 'required', parallel_tool_calls: false }, { type: 'any', disable_parallel_tool_use: true }, ['a', 'b']],
      [{ tool_choice: 'none', parallel_tool_calls: false }, { type: 'none' }, ['a', 'b']],
      [{ parallel_tool_calls: true }, undefined, ['a', 'b']],
      [
        { tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'b' } }] } } },
        { type: 'any' },
        ['b'],
      ],
    ];
    for (const [params, toolChoice, names] of cases) {
      const body = await sent(server, { messages: [user('x')], tools, ...params });
      expect(body.tool_choice, JSON.stringify(params)).to.deep.equal(toolChoice);
      expect(body.tools.map((t: { name: string }) => t.name), JSON.stringify(params)).to.deep.equal(names);
    }
    const withoutTools = await sent(server, { messages: [user('x')], tool_choice: 'auto', parallel_tool_calls: false });
    expect(withoutTools).to.not.have.any.keys('tools', 'tool_choice');
    await server.close();
  });

  it('sets max_tokens (max_completion_tokens first, then max_tokens, then defaultMaxTokens) and maps stop and temperature', async () => {
    expect((await sent(server, { messages: [user('x')] })).max_tokens).to.equal(DEFAULT_MAX_TOKENS);
    expect((await sent(server, { messages: [user('x')], max_tokens: 300 })).max_tokens).to.equal(300);
    expect((await sent(server, { messages: [user('x')], max_tokens: 300, max_completion_tokens: 200 })).max_tokens).to.equal(200);
    const custom = server.client({ defaultMaxTokens: 1234 });
    expect((await sent(server, { messages: [user('x')] }, custom)).max_tokens).to.equal(1234);
    const body = await sent(server, { messages: [user('x')], stop: ['A', 'B'], temperature: 0.2 });
    expect(body).to.deep.include({ stop_sequences: ['A', 'B'], temperature: 0.2 });
    expect(body).to.not.have.property('stream');
    expect(() => new AnthropicOpenAI({ apiKey: 'k', defaultMaxTokens: 0 })).to.throw(OpenAIError, /defaultMaxTokens must be a positive integer, got 0/);
    await server.close();
  });

  it('answers a non-streaming request with a chat.completion: text, tool calls, reasoning, thinking blocks, usage', async () => {
    server.enqueue(
      anthropicReply.message({
        id: 'msg_42',
        content: [
          { type: 'thinking', thinking: 'Think first.', signature: 'sig-a' },
          { type: 'text', text: 'Looking it up.' },
          { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'cats' } },
        ],
        usage: { input_tokens: 30, output_tokens: 12, cache_read_input_tokens: 100, cache_creation_input_tokens: 0 },
      }),
    );
    const completion = await server.client().chat.completions.create({ model, messages: [user('x')], tools: [fn('lookup')] });
    expect(completion).to.deep.include({ id: 'msg_42', object: 'chat.completion', model });
    expect(completion.choices).to.deep.equal([
      {
        index: 0,
        message: {
          role: 'assistant',
          content: 'Looking it up.',
          refusal: null,
          tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cats"}' } }],
          reasoning_content: 'Think first.',
          thinking_blocks: [{ type: 'thinking', thinking: 'Think first.', signature: 'sig-a' }],
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
    ]);
    expect(completion.usage).to.deep.equal({
      prompt_tokens: 130,
      completion_tokens: 12,
      total_tokens: 142,
      prompt_tokens_details: { cached_tokens: 100 },
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 100,
    });
    await server.close();
  });

  it('streams Chat Completions chunks: role, reasoning, content, tool call, thinking_blocks, finish, usage (without stream_options)', async () => {
    server.enqueue(
      anthropicReply.message({
        id: 'msg_7',
        content: [
          { type: 'thinking', thinking: 'Hmm.', signature: 'sig-1' },
          { type: 'text', text: 'Let me look.' },
          { type: 'tool_use', id: 'toolu_9', name: 'lookup', input: { q: 'x' } },
        ],
        chunkSize: 100,
        argumentChunkSize: 4,
        usage: { input_tokens: 12, output_tokens: 7 },
      }),
    );
    const stream = await server.client().chat.completions.create({ model, messages: [user('x')], tools: [fn('lookup')], stream: true });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((c) => c.id === 'msg_7' && c.model === model && c.object === 'chat.completion.chunk')).to.equal(true);
    expect(chunks.map((c) => (c.choices[0] ? [c.choices[0].delta, c.choices[0].finish_reason] : c.usage))).to.deep.equal([
      [{ role: 'assistant' }, null],
      [{ reasoning_content: 'Hmm.' }, null],
      [{ content: 'Let me look.' }, null],
      [{ tool_calls: [{ index: 0, id: 'toolu_9', type: 'function', function: { name: 'lookup', arguments: '' } }] }, null],
      [{ tool_calls: [{ index: 0, function: { arguments: '{"q"' } }] }, null],
      [{ tool_calls: [{ index: 0, function: { arguments: ':"x"' } }] }, null],
      [{ tool_calls: [{ index: 0, function: { arguments: '}' } }] }, null],
      [{ thinking_blocks: [{ type: 'thinking', thinking: 'Hmm.', signature: 'sig-1' }] }, null],
      [{}, 'tool_calls'],
      { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
    ]);
    await server.close();
  });

  it("gives the SDK's stream helper the same message as a non-streaming request", async () => {
    const script = () =>
      anthropicReply.message({
        content: [
          { type: 'thinking', thinking: 'Two calls needed.', signature: 'sig-s' },
          { type: 'redacted_thinking', data: 'opaque==' },
          { type: 'text', text: 'Checking both.' },
          { type: 'tool_use', id: 'toolu_a', name: 'a', input: { n: 1 } },
          { type: 'tool_use', id: 'toolu_b', name: 'b', input: { list: [1, 2, { deep: true }] } },
        ],
        // The SDK helper keeps only the last fragment of reasoning_content (the engine concatenates them): one fragment here.
        chunkSize: 1000,
      });
    server.enqueue(script(), script());
    const params = { model, messages: [user('x')], tools: [fn('a'), fn('b')] };
    const streamed = await server.client().chat.completions.stream(params).finalChatCompletion();
    const plain = await server.client().chat.completions.create(params);
    // The fields both translations fill (the helper adds its own `parsed`, `index`, `parsed_arguments`).
    const essentials = (choice: (typeof plain)['choices'][number]) => {
      const message = choice.message as any;
      return {
        finish_reason: choice.finish_reason,
        content: message.content,
        tool_calls: message.tool_calls.map((c: any) => [c.id, c.type, c.function.name, c.function.arguments]),
        reasoning_content: message.reasoning_content,
        thinking_blocks: message.thinking_blocks,
      };
    };
    expect(essentials(streamed.choices[0]!)).to.deep.equal(essentials(plain.choices[0]!));
    expect(essentials(plain.choices[0]!)).to.deep.equal({
      finish_reason: 'tool_calls',
      content: 'Checking both.',
      tool_calls: [
        ['toolu_a', 'function', 'a', '{"n":1}'],
        ['toolu_b', 'function', 'b', '{"list":[1,2,{"deep":true}]}'],
      ],
      reasoning_content: 'Two calls needed.',
      thinking_blocks: [
        { type: 'thinking', thinking: 'Two calls needed.', signature: 'sig-s' },
        { type: 'redacted_thinking', data: 'opaque==' },
      ],
    });
    expect(streamed.usage).to.deep.equal(plain.usage);
    await server.close();
  });

  it('maps stop reasons to finish reasons', async () => {
    const cases: [string, string][] = [
      ['end_turn', 'stop'],
      ['stop_sequence', 'stop'],
      ['max_tokens', 'length'],
      ['refusal', 'content_filter'],
      ['pause_turn', 'stop'],
      ['model_context_window_exceeded', 'length'],
      // Without a function tool call (server tools only) a tool_use stop is an ordinary stop.
      ['tool_use', 'stop'],
      ['a_future_reason', 'stop'],
    ];
    for (const [stopReason, finishReason] of cases) {
      server.enqueue(anthropicReply.text('t', { stopReason }), anthropicReply.text('t', { stopReason }));
      const plain = await server.client().chat.completions.create({ model, messages: [user('x')] });
      const streamed = await server.client().chat.completions.stream({ model, messages: [user('x')] }).finalChatCompletion();
      expect([plain.choices[0]!.finish_reason, streamed.choices[0]!.finish_reason], stopReason).to.deep.equal([finishReason, finishReason]);
    }
    await server.close();
  });

  it('reads streams with pings, unknown events, server-tool blocks and argument-less tool calls', async () => {
    server.enqueue(
      anthropicReply.raw([
        { type: 'message_start', message: { id: 'msg_r', type: 'message', role: 'assistant', model, content: [], stop_reason: null, usage: { input_tokens: 9, output_tokens: 1 } } },
        { type: 'ping' },
        { type: 'content_block_start', index: 0, content_block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} } },
        { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"query":"cats"}' } },
        { type: 'content_block_stop', index: 0 },
        { type: 'content_block_start', index: 1, content_block: { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] } },
        { type: 'content_block_stop', index: 1 },
        { type: 'a_future_event', payload: 1 },
        { type: 'content_block_start', index: 2, content_block: { type: 'text', text: '' } },
        { type: 'content_block_delta', index: 2, delta: { type: 'citations_delta', citation: { type: 'web_search_result_location' } } },
        { type: 'content_block_delta', index: 2, delta: { type: 'text_delta', text: 'Found it.' } },
        { type: 'content_block_stop', index: 2 },
        { type: 'content_block_start', index: 3, content_block: { type: 'tool_use', id: 'toolu_now', name: 'now', input: {} } },
        { type: 'content_block_stop', index: 3 },
        { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 15 } },
        { type: 'message_stop' },
      ]),
    );
    const completion = await server.client().chat.completions.stream({ model, messages: [user('x')], tools: [fn('now')] }).finalChatCompletion();
    const message = completion.choices[0]!.message;
    expect(message.content).to.equal('Found it.');
    // Tool-call indexes count tool_use blocks only: the call at content index 3 is tool call 0.
    expect(message.tool_calls!.map((c: any) => [c.id, c.function.name, c.function.arguments])).to.deep.equal([['toolu_now', 'now', '{}']]);
    expect(completion.usage).to.deep.equal({ prompt_tokens: 9, completion_tokens: 15, total_tokens: 24 });
    await server.close();
  });

  it('reads CRLF-delimited events cut at any byte, multi-byte characters included', async () => {
    const events = [
      { type: 'message_start', message: { id: 'msg_crlf', type: 'message', role: 'assistant', model, content: [], stop_reason: null, usage: { input_tokens: 1, output_tokens: 1 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Crème brûlée 🍮' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' for two.' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 6 } },
      { type: 'message_stop' },
    ];
    const bytes = Buffer.from(`: a comment\r\n\r\n${events.map((e) => `event: ${e.type}\r\ndata: ${JSON.stringify(e)}\r\n\r\n`).join('')}`);
    // A proxy of our own: Anthropic's format with CRLF line ends, written 3 bytes at a time.
    const proxy = createServer(async (req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < bytes.length; i += 3) {
        res.write(bytes.subarray(i, i + 3));
        if (i % 60 === 0) await sleep(1);
      }
      res.end();
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const client = new AnthropicOpenAI({ apiKey: 'k', baseURL: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, maxRetries: 0 });
      const completion = await client.chat.completions.stream({ model, messages: [user('x')] }).finalChatCompletion();
      expect([completion.id, completion.choices[0]!.message.content, completion.usage?.completion_tokens]).to.deep.equal([
        'msg_crlf',
        'Crème brûlée 🍮 for two.',
        6,
      ]);
    } finally {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
    await server.close();
  });

  it('authenticates with x-api-key from ANTHROPIC_API_KEY and never sends OpenAI credentials', async () => {
    const saved = { ...process.env };
    try {
      delete process.env['ANTHROPIC_API_KEY'];
      expect(() => new AnthropicOpenAI()).to.throw(OpenAIError, /needs an Anthropic API key: pass \{ apiKey \} or set the ANTHROPIC_API_KEY/);
      Object.assign(process.env, { ANTHROPIC_API_KEY: 'sk-ant-env', OPENAI_ADMIN_KEY: 'sk-admin-openai', OPENAI_ORG_ID: 'org-openai', OPENAI_PROJECT_ID: 'proj' });
      await sent(server, { messages: [user('x')] }, new AnthropicOpenAI({ baseURL: server.url }));
    } finally {
      process.env = saved;
    }
    const headers = server.requests.at(-1)!.headers;
    expect(headers['x-api-key']).to.equal('sk-ant-env');
    expect(headers).to.not.have.any.keys('authorization', 'openai-organization', 'openai-project');
    await server.close();
  });

  it('accepts a baseURL ending in /v1, sends anthropicVersion and default headers, and keeps translating after withOptions', async () => {
    const client = new AnthropicOpenAI({
      apiKey: 'k',
      baseURL: `${server.url}/v1/`,
      anthropicVersion: '2024-01-01',
      defaultHeaders: { 'anthropic-beta': 'prompt-caching-2024-07-31' },
      defaultMaxTokens: 77,
      maxRetries: 0,
    });
    await sent(server, { messages: [user('x')] }, client);
    const copy = client.withOptions({ timeout: 5000 });
    expect(copy).to.be.instanceOf(AnthropicOpenAI);
    const body = await sent(server, { messages: [user('y')] }, copy);
    expect(server.requests.map((r) => r.path)).to.deep.equal(['/v1/messages', '/v1/messages']);
    for (const request of server.requests) {
      expect(request.headers).to.deep.include({ 'x-api-key': 'k', 'anthropic-version': '2024-01-01', 'anthropic-beta': 'prompt-caching-2024-07-31' });
    }
    expect(body.max_tokens).to.equal(77);
    await server.close();
  });
});
