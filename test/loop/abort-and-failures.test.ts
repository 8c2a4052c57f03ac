import { expect } from 'chai';
import { APIError, InternalServerError, RateLimitError } from 'openai';
import {
  FunctionTool,
  ModelResponseError,
  RunAbortedError,
  streamUntilUserInput,
  streamUntilUserInputEvents,
} from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { collect, rejectionOf, sleep, user } from '../support/helpers.js';

describe('abort and failed runs', () => {
  let server: ScriptedChatServer;
  afterEach(async () => server?.close({ force: true }));

  it('aborts running tools (they get the signal) and rejects promptly even when a tool ignores it', async () => {
    server = await ScriptedChatServer.start({ script: [reply.toolCalls([toolCall('polite', {}), toolCall('stubborn', {})]), reply.text('never sent')] });
    const controller = new AbortController();
    let politeSignal: AbortSignal | undefined;
    const polite = new FunctionTool({
      name: 'polite',
      execute: (_a, _c, { signal }) =>
        new Promise((resolve, reject) => {
          politeSignal = signal;
          signal.addEventListener('abort', () => reject(signal.reason));
        }),
    });
    const stubborn = new FunctionTool({ name: 'stubborn', execute: () => sleep(3000).then(() => 'done') });
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const error = await rejectionOf(
      streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], tools: [polite, stubborn], signal: controller.signal }),
    );
    expect(Date.now() - started).to.be.lessThan(1000);
    expect(error).to.be.instanceOf(RunAbortedError);
    expect(politeSignal!.aborted).to.equal(true);
    expect(error.messages.map((m: any) => m.role)).to.deep.equal(['user', 'assistant', 'tool', 'tool']);
    expect(server.requests).to.have.length(1);
  });

  it('fails at once with an already aborted signal, without any request', async () => {
    server = await ScriptedChatServer.start({ script: [] });
    const error = await rejectionOf(
      streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], signal: AbortSignal.abort() }),
    );
    expect(error).to.be.instanceOf(RunAbortedError);
    expect(server.requests).to.have.length(0);
  });

  it('stops the request when the consumer breaks out of the event loop', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('y'.repeat(300), { chunkSize: 1, delayMs: 10 })] });
    let deltas = 0;
    for await (const event of streamUntilUserInputEvents({ client: server.client(), model: 'm', messages: [user('x')] })) {
      if (event.type === 'stream.event' && event.event.type === 'content.delta' && ++deltas === 3) break;
    }
    await sleep(100);
    expect(server.requests[0]!.closedEarly).to.equal(true);
  });

  it('carries every message produced before an HTTP error of a later request', async () => {
    server = await ScriptedChatServer.start({
      script: [reply.toolCalls(toolCall('t', {})), reply.httpError(500, { message: 'upstream exploded' })],
    });
    const events = await collect(
      streamUntilUserInputEvents({ client: server.client(), model: 'm', messages: [user('x')], tools: [new FunctionTool({ name: 't', execute: () => 'r' })] }),
    );
    const failed = events.at(-1)!;
    expect(failed.type).to.equal('run.failed');
    if (failed.type !== 'run.failed') return;
    expect(failed.error).to.be.instanceOf(InternalServerError);
    expect((failed.error as APIError).message).to.contain('upstream exploded');
    expect(failed.messages.map((m) => m.role)).to.deep.equal(['user', 'assistant', 'tool']);
    expect((failed.error as any).messages).to.equal(failed.messages);
  });

  it('retries a 429 through the OpenAI client and goes on', async () => {
    server = await ScriptedChatServer.start({
      script: [reply.httpError(429, { message: 'slow down', headers: { 'retry-after-ms': '10' } }), reply.text('after retry')],
    });
    const result = await streamUntilUserInput({ client: server.client({ maxRetries: 1 }), model: 'm', messages: [user('x')] });
    expect(result.finalContent).to.equal('after retry');
    expect(server.requests).to.have.length(2);
  });

  it('surfaces a 429 without retries as RateLimitError', async () => {
    server = await ScriptedChatServer.start({ script: [reply.httpError(429, { message: 'quota' })] });
    const error = await rejectionOf(streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')] }));
    expect(error).to.be.instanceOf(RateLimitError);
    expect(error.messages).to.deep.equal([user('x')]);
  });

  it('fails on an error event in the middle of the stream', async () => {
    server = await ScriptedChatServer.start({
      script: [reply.text('partial answer', { failAfter: 3, streamError: { message: 'model overloaded', type: 'server_error' } })],
    });
    const error = await rejectionOf(streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')] }));
    expect(error).to.be.instanceOf(APIError);
    expect(error.message).to.contain('model overloaded');
  });

  it('fails when the connection drops mid-stream', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('a'.repeat(100), { dropAfter: 4 })] });
    const error = await rejectionOf(streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')] }));
    expect(error).to.be.an('error');
    expect(error.messages).to.deep.equal([user('x')]);
  });

  it('explains an empty stream', async () => {
    server = await ScriptedChatServer.start({ script: [reply.raw([])] });
    const error = await rejectionOf(streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')] }));
    expect(error).to.be.instanceOf(ModelResponseError);
    expect(error.message).to.contain('without sending any chunk');
  });
});
