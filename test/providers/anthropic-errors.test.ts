import { expect } from 'chai';
import {
  APIConnectionTimeoutError,
  APIError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  OpenAIError,
  RateLimitError,
} from 'openai';
import {
  ChatCompletionStreamHandler,
  RunAbortedError,
  streamUntilUserInput,
  streamUntilUserInputEvents,
  type ContentDeltaEvent,
} from 'chat-cmpl-stream-handler';
import { anthropicReply, ScriptedAnthropicServer } from 'chat-cmpl-stream-handler/testing';
import { collect, rejectionOf, sleep, user } from '../support/helpers.js';

const model = 'claude-haiku-4-5';

describe('AnthropicOpenAI: errors, retries and abort', () => {
  let server: ScriptedAnthropicServer;
  afterEach(async () => server?.close({ force: true }));

  it('turns a 401 into the SDK AuthenticationError with Anthropic type, message and request id, without retrying', async () => {
    server = await ScriptedAnthropicServer.start({ script: [anthropicReply.httpError(401, { message: 'invalid x-api-key' })] });
    const error = await rejectionOf(
      streamUntilUserInput({ client: server.client({ maxRetries: 2 }), model, messages: [user('hi')] }),
    );
    expect(error).to.be.instanceOf(AuthenticationError);
    expect([error.status, error.type, error.requestID]).to.deep.equal([401, 'authentication_error', 'req_scripted_1']);
    expect(error.message).to.equal('401 invalid x-api-key');
    expect(error.messages).to.deep.equal([user('hi')]);
    expect(server.requests).to.have.length(1);
    await server.close();
  });

  it('retries a 429 after the retry-after Anthropic sends, then succeeds', async () => {
    server = await ScriptedAnthropicServer.start({
      script: [anthropicReply.httpError(429, { message: 'Number of requests has exceeded your rate limit', headers: { 'retry-after': '1' } }), anthropicReply.text('ok')],
    });
    const started = Date.now();
    const result = await streamUntilUserInput({ client: server.client({ maxRetries: 1 }), model, messages: [user('hi')] });
    // The SDK's own backoff for a first retry is at most 0.5 s: waiting a second means retry-after was honoured.
    expect(Date.now() - started).to.be.at.least(950);
    expect(result.finalContent).to.equal('ok');
    expect(server.bodies).to.have.length(2);
    expect(server.bodies[1]).to.deep.equal(server.bodies[0]);
    await server.close();
  });

  it('raises a RateLimitError carrying retry-after when no retry is left', async () => {
    server = await ScriptedAnthropicServer.start({ script: [anthropicReply.httpError(429, { message: 'Slow down', headers: { 'retry-after': '30' } })] });
    const error = await rejectionOf(streamUntilUserInput({ client: server.client(), model, messages: [user('hi')] }));
    expect(error).to.be.instanceOf(RateLimitError);
    expect([error.status, error.type, error.headers.get('retry-after')]).to.deep.equal([429, 'rate_limit_error', '30']);
  });

  it('retries 529 overloaded like a 5xx, and raises it as InternalServerError with overloaded_error when retries run out', async () => {
    server = await ScriptedAnthropicServer.start({
      script: [anthropicReply.overloaded({ headers: { 'retry-after': '0' } }), anthropicReply.text('back again')],
    });
    const result = await streamUntilUserInput({ client: server.client({ maxRetries: 1 }), model, messages: [user('hi')] });
    expect(result.finalContent).to.equal('back again');
    expect(server.requests).to.have.length(2);

    server.enqueue(anthropicReply.overloaded());
    const error = await rejectionOf(streamUntilUserInput({ client: server.client({ maxRetries: 0 }), model, messages: [user('hi')] }));
    expect(error).to.be.instanceOf(InternalServerError);
    expect([error.status, error.type, error.message]).to.deep.equal([529, 'overloaded_error', '529 Overloaded']);
    await server.close();
  });

  it('raises a mid-stream error event as an APIError with its type and message, after the text already streamed', async () => {
    // message_start, ping, content_block_start and 3 text deltas, then `event: error`.
    server = await ScriptedAnthropicServer.start({
      script: [anthropicReply.text('Partial answer that never finishes', { failAfter: 6, streamError: { type: 'overloaded_error', message: 'Overloaded' } })],
    });
    const deltas: string[] = [];
    class Collector extends ChatCompletionStreamHandler {
      override async onContentDelta(event: ContentDeltaEvent) {
        deltas.push(event.delta);
      }
    }
    const events = await collect(
      streamUntilUserInputEvents({ client: server.client({ maxRetries: 2 }), model, messages: [user('hi')], streamHandler: new Collector() }),
    );
    const failed = events.at(-1)!;
    expect(failed.type).to.equal('run.failed');
    const error = (failed as { error: any }).error;
    expect(error).to.be.instanceOf(APIError);
    expect([error.type, error.message, error.status]).to.deep.equal(['overloaded_error', 'Overloaded', undefined]);
    expect(deltas.join('')).to.equal('Partial answ');
    expect(server.requests).to.have.length(1);
    await server.close();
  });

  it('fails a stream that ends before message_stop instead of taking the cut answer as complete', async () => {
    server = await ScriptedAnthropicServer.start({
      script: [
        anthropicReply.raw([
          { type: 'message_start', message: { id: 'msg_cut', type: 'message', role: 'assistant', model, content: [], stop_reason: null, usage: { input_tokens: 5, output_tokens: 1 } } },
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Half a sen' } },
        ]),
      ],
    });
    const error = await rejectionOf(streamUntilUserInput({ client: server.client(), model, messages: [user('hi')] }));
    expect(error).to.be.instanceOf(APIError);
    expect(error.type).to.equal('incomplete_stream_error');
    expect(error.message).to.match(/ended before message_stop/);
    await server.close();
  });

  it('fails like the OpenAI SDK does when the connection drops mid-stream', async () => {
    server = await ScriptedAnthropicServer.start({ script: [anthropicReply.text('This connection will be cut', { dropAfter: 5 })] });
    const events = await collect(streamUntilUserInputEvents({ client: server.client(), model, messages: [user('hi')] }));
    expect(events.map((e) => e.type)).to.not.include('run.completed');
    const failed = events.at(-1) as { type: string; error: any };
    expect(failed.type).to.equal('run.failed');
    expect(failed.error).to.be.instanceOf(OpenAIError);
    expect([failed.error.message, failed.error.cause?.message]).to.deep.equal(['terminated', 'terminated']);
    await server.close();
  });

  it('aborts while waiting for Anthropic to answer, and times out through the SDK timeout', async () => {
    server = await ScriptedAnthropicServer.start({
      script: [anthropicReply.text('late', { headersDelayMs: 3000 }), anthropicReply.text('late', { headersDelayMs: 3000 })],
    });
    const started = Date.now();
    const aborted = await rejectionOf(
      streamUntilUserInput({ client: server.client(), model, messages: [user('hi')], signal: AbortSignal.timeout(100) }),
    );
    expect(aborted).to.be.instanceOf(RunAbortedError);
    const timedOut = await rejectionOf(streamUntilUserInput({ client: server.client({ timeout: 100 }), model, messages: [user('hi')] }));
    expect(timedOut).to.be.instanceOf(APIConnectionTimeoutError);
    expect(Date.now() - started).to.be.lessThan(2000);
  });

  it('answers a request Anthropic cannot express with a BadRequestError naming the part, and sends nothing', async () => {
    server = await ScriptedAnthropicServer.start({ script: [] });
    const client = server.client({ maxRetries: 2 });
    const audio = await rejectionOf(
      client.chat.completions.create({
        model,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Listen' }, { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] }],
      }),
    );
    expect(audio).to.be.instanceOf(BadRequestError);
    expect(audio.message).to.equal(
      "400 AnthropicOpenAI: messages[0].content[1] is audio input, which Anthropic's Messages API does not accept; transcribe it to text first.",
    );
    const custom = await rejectionOf(
      client.chat.completions.create({ model, messages: [user('hi')], tools: [{ type: 'custom', custom: { name: 'grammar' } }] }),
    );
    expect(custom.message).to.match(/tools\[0\] has type "custom"; only function tools/);
    const unknownChoice = await rejectionOf(
      client.chat.completions.create({
        model,
        messages: [user('hi')],
        tools: [{ type: 'function', function: { name: 'a' } }],
        tool_choice: { type: 'function', function: { name: 'b' } },
      }),
    );
    expect(unknownChoice.message).to.match(/tool_choice names function "b", which is not in `tools`/);
    const badMax = await rejectionOf(client.chat.completions.create({ model, messages: [user('hi')], max_tokens: 0 }));
    expect(badMax.message).to.match(/`max_tokens` must be a positive integer, got 0/);
    expect(server.requests).to.have.length(0);
    await server.close();
  });

  it('answers other endpoints with a NotFoundError that says what is supported', async () => {
    server = await ScriptedAnthropicServer.start({ script: [] });
    const error = await rejectionOf(server.client().models.list());
    expect(error).to.be.instanceOf(NotFoundError);
    expect(error.message).to.match(/only translates chat\.completions\.create \(POST \/chat\/completions\); GET \/models has no Anthropic equivalent/);
    expect(server.requests).to.have.length(0);
    await server.close();
  });
});
