import { expect } from 'chai';
import { APIError, BadRequestError, InternalServerError, RateLimitError } from 'openai';
import {
  ChatCompletionStreamHandler,
  FunctionTool,
  HookError,
  OnStreamRetry,
  RunAbortedError,
  streamUntilUserInput,
  streamUntilUserInputEvents,
  type ContentDeltaEvent,
  type ContentDoneEvent,
  type FunctionToolCallArgumentsDeltaEvent,
  type LifecycleEvent,
  type RunInfo,
  type StreamRetryEvent,
} from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { collect, rejectionOf, sleep, user } from '../support/helpers.js';

const ANSWER = 'The quick brown fox jumps over the lazy dog.';

/** Records content deltas and retries in the order the hooks see them, and the snapshot of content.done. */
class Transcript extends ChatCompletionStreamHandler {
  readonly log: string[] = [];
  readonly retries: StreamRetryEvent[] = [];
  done: string | undefined;
  override async onContentDelta(event: ContentDeltaEvent) {
    this.log.push(event.delta);
  }
  override async onContentDone(event: ContentDoneEvent) {
    this.done = event.content;
  }
  override async onStreamRetry(event: StreamRetryEvent) {
    this.retries.push(event);
    this.log.push('<retry>');
  }
}

/** The text the hooks saw after the last retry, and before it. */
function split(log: string[]): { before: string; after: string } {
  const at = log.lastIndexOf('<retry>');
  return { before: log.slice(0, at).join(''), after: log.slice(at + 1).join('') };
}

describe('loop control: retries of failed model requests', () => {
  let server: ScriptedChatServer;
  afterEach(async () => server?.close({ force: true }));

  it('retries a stream cut mid-way: hooks hear stream.retry before the new deltas, and no delta of the cut attempt survives', async () => {
    server = await ScriptedChatServer.start({
      script: [reply.text(ANSWER, { chunkSize: 3, dropAfter: 4 }), reply.text(ANSWER, { chunkSize: 3 })],
    });
    const transcript = new Transcript();
    const result = await streamUntilUserInput({
      client: server.client(),
      model: 'm',
      messages: [user('Tell me')],
      streamHandler: transcript,
      retry: { backoffMs: 0 },
    });
    const { before, after } = split(transcript.log);
    expect(before.length).to.be.greaterThan(0, 'the hooks saw deltas of the cut attempt');
    expect(ANSWER.startsWith(before)).to.equal(true);
    expect(after).to.equal(ANSWER);
    expect(transcript.done).to.equal(ANSWER);
    expect(transcript.retries).to.have.length(1);
    expect(transcript.retries[0]).to.include({ type: 'stream.retry', iteration: 0, attempt: 1, model: 'm' });
    expect((transcript.retries[0]!.error as Error).message).to.equal('terminated');
    expect(result.finalContent).to.equal(ANSWER);
    expect(result.completions).to.have.length(1);
    expect(result.completions[0]!.choices[0]!.message.content).to.equal(ANSWER);
    expect(result.messages).to.deep.equal([user('Tell me'), { role: 'assistant', content: ANSWER }]);
    expect(server.requests).to.have.length(2);
    expect(server.bodies[1]).to.deep.equal(server.bodies[0]);
  });

  it('yields stream.retry in the event stream between the attempts, and iteration.completed says which model answered', async () => {
    server = await ScriptedChatServer.start({
      script: [reply.text(ANSWER, { chunkSize: 5, failAfter: 2, streamError: { message: 'upstream overloaded' } }), reply.text(ANSWER, { chunkSize: 5 })],
    });
    const events = await collect(
      streamUntilUserInputEvents({ client: server.client(), model: 'm', messages: [user('x')], retry: { backoffMs: 0 }, streamEvents: ['content.delta'] }),
    );
    const kinds = events.map((event) => (event.type === 'stream.event' ? 'delta' : event.type));
    const retryAt = kinds.indexOf('stream.retry');
    expect(kinds[0]).to.equal('iteration.started');
    expect(retryAt).to.be.greaterThan(1, 'deltas of the failed attempt came first');
    expect(kinds.slice(1, retryAt).every((kind) => kind === 'delta')).to.equal(true);
    expect(kinds.slice(retryAt + 1).filter((kind) => kind !== 'delta')).to.deep.equal(['iteration.completed', 'run.checkpoint', 'run.completed']);
    const retry = events[retryAt] as StreamRetryEvent;
    expect(retry.error).to.be.instanceOf(APIError);
    expect((retry.error as APIError).message).to.contain('upstream overloaded');
    const completed = events.find((event) => event.type === 'iteration.completed')!;
    expect(completed).to.include({ model: 'm' });
    const finalDeltas = events.slice(retryAt + 1).filter((event) => event.type === 'stream.event');
    expect(finalDeltas.map((event) => (event.type === 'stream.event' && event.event.type === 'content.delta' ? event.event.delta : '')).join('')).to.equal(ANSWER);
  });

  it('never runs the half-streamed tool call of a cut attempt: the tool runs once, with the arguments of the new attempt', async () => {
    const args = { city: 'Tokyo', note: 'x'.repeat(60) };
    server = await ScriptedChatServer.start({
      script: [
        reply.toolCalls(toolCall('weather', args, { id: 'call_a' }), { argumentChunkSize: 8, dropAfter: 5 }),
        reply.toolCalls(toolCall('weather', args, { id: 'call_b' }), { argumentChunkSize: 8 }),
        reply.text('Sunny.'),
      ],
    });
    const calls: string[] = [];
    const fragments: string[] = [];
    const weather = new FunctionTool({
      name: 'weather',
      execute: (input: { city: string }, _context, options) => {
        calls.push(`${input.city}@${options.signal.aborted}`);
        return 'sunny';
      },
    });
    const result = await streamUntilUserInput({
      client: server.client(),
      model: 'm',
      messages: [user('Weather?')],
      tools: [weather],
      retry: { backoffMs: 0 },
      streamHandler: {
        onToolCallsFunctionArgumentsDelta: (event: FunctionToolCallArgumentsDeltaEvent) => void fragments.push(event.arguments_delta),
        onStreamRetry: () => void fragments.push('<retry>'),
      },
    });
    expect(calls).to.deep.equal(['Tokyo@false']);
    expect(fragments.indexOf('<retry>')).to.be.greaterThan(0);
    expect(fragments.slice(fragments.indexOf('<retry>') + 1).join('')).to.equal(JSON.stringify(args));
    const assistant = result.messages[1] as any;
    expect(assistant.tool_calls).to.have.length(1);
    expect(assistant.tool_calls[0].id).to.equal('call_b');
    expect(result.messages.map((message) => message.role)).to.deep.equal(['user', 'assistant', 'tool', 'assistant']);
  });

  it('honours retry-after-ms and retry-after (seconds) of a 429', async () => {
    server = await ScriptedChatServer.start({
      script: [reply.httpError(429, { retryAfterMs: 250 }), reply.httpError(429, { retryAfter: 0.3 }), reply.text('ok')],
    });
    const transcript = new Transcript();
    const arrivals: number[] = [];
    const started = Date.now();
    const result = await streamUntilUserInput({
      client: server.client(),
      model: 'm',
      messages: [user('x')],
      streamHandler: [transcript, { onIterationCompleted: () => void arrivals.push(Date.now() - started) }],
      retry: { attempts: 2, backoffMs: 0 },
    });
    expect(result.finalContent).to.equal('ok');
    expect(transcript.retries.map((event) => event.delayMs)).to.deep.equal([250, 300]);
    expect(transcript.retries.map((event) => event.error)).to.satisfy((errors: unknown[]) => errors.every((error) => error instanceof RateLimitError));
    expect(arrivals[0]).to.be.at.least(500);
    expect(server.requests).to.have.length(3);
  });

  it('does not wait for a retry-after longer than MAX_RETRY_AFTER_MS: the fallback model serves at once, or the run fails', async () => {
    server = await ScriptedChatServer.start({ script: [reply.httpError(429, { retryAfter: 3600 }), reply.text('from backup')] });
    const transcript = new Transcript();
    const result = await streamUntilUserInput({
      client: server.client(),
      model: 'main',
      messages: [user('x')],
      streamHandler: transcript,
      retry: {},
      fallbackModels: ['backup'],
    });
    expect(result.finalContent).to.equal('from backup');
    expect(transcript.retries.map(({ attempt, model, delayMs }) => ({ attempt, model, delayMs }))).to.deep.equal([{ attempt: 1, model: 'backup', delayMs: 0 }]);
    await server.close();

    server = await ScriptedChatServer.start({ script: [reply.httpError(429, { retryAfter: 3600 })] });
    const error = await rejectionOf(streamUntilUserInput({ client: server.client(), model: 'main', messages: [user('x')], retry: {} }));
    expect(error).to.be.instanceOf(RateLimitError);
    expect(server.requests).to.have.length(1);
  });

  it('fails with the last error once the retries are used up, keeping the messages and nothing of the failed attempts', async () => {
    server = await ScriptedChatServer.start({
      script: [reply.text(ANSWER, { chunkSize: 4, dropAfter: 3 }), reply.httpError(503, { message: 'still down' })],
    });
    const transcript = new Transcript();
    const events: LifecycleEvent[] = [];
    const error = await rejectionOf(
      streamUntilUserInput({
        client: server.client(),
        model: 'm',
        messages: [user('x')],
        streamHandler: [transcript, { onRunFailed: (event: LifecycleEvent) => void events.push(event) }],
        retry: { attempts: 1, backoffMs: 0 },
      }),
    );
    expect(error).to.be.instanceOf(InternalServerError);
    expect(error.message).to.contain('still down');
    expect(error.messages).to.deep.equal([user('x')]);
    expect(events).to.have.length(1);
    expect(transcript.retries).to.have.length(1);
    expect(server.requests).to.have.length(2);
  });

  for (const [status, label] of [
    [400, 'a 400'],
    [401, 'a 401'],
    [403, 'a 403'],
    [404, 'a 404'],
    [422, 'a 422'],
  ] as const) {
    it(`does not retry ${label}, which describes the request`, async () => {
      server = await ScriptedChatServer.start({ script: [reply.httpError(status)] });
      const transcript = new Transcript();
      const error = await rejectionOf(
        streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], streamHandler: transcript, retry: { attempts: 3, backoffMs: 0 }, fallbackModels: ['b'] }),
      );
      expect(error).to.be.instanceOf(APIError);
      expect(error.status).to.equal(status);
      if (status === 400) expect(error).to.be.instanceOf(BadRequestError);
      expect(transcript.retries).to.deep.equal([]);
      expect(server.requests).to.have.length(1);
    });
  }

  it('does not retry a failing hook', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text(ANSWER, { chunkSize: 4 })] });
    const error = await rejectionOf(
      streamUntilUserInput({
        client: server.client(),
        model: 'm',
        messages: [user('x')],
        streamHandler: {
          onContentDelta: () => {
            throw new TypeError('terminated');
          },
        },
        retry: { attempts: 3, backoffMs: 0 },
      }),
    );
    expect(error).to.be.instanceOf(HookError);
    expect(server.requests).to.have.length(1);
  });

  it('stops waiting and retrying at once when the run is aborted during the backoff', async () => {
    server = await ScriptedChatServer.start({ script: [reply.httpError(503), reply.text('never')] });
    const controller = new AbortController();
    const started = Date.now();
    const error = await rejectionOf(
      streamUntilUserInput({
        client: server.client(),
        model: 'm',
        messages: [user('x')],
        signal: controller.signal,
        retry: { backoffMs: 20_000 },
        streamHandler: { onStreamRetry: () => void setTimeout(() => controller.abort(new Error('user left')), 20) },
      }),
    );
    expect(error).to.be.instanceOf(RunAbortedError);
    expect(error.cause.message).to.equal('user left');
    expect(Date.now() - started).to.be.lessThan(2000);
    await sleep(30);
    expect(server.requests).to.have.length(1);
    expect(server.pending).to.equal(1);
  });

  it('does not retry a stream the run aborted mid-way', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('x'.repeat(200), { chunkSize: 1, delayMs: 10 }), reply.text('never')] });
    const controller = new AbortController();
    let deltas = 0;
    const error = await rejectionOf(
      streamUntilUserInput({
        client: server.client(),
        model: 'm',
        messages: [user('x')],
        signal: controller.signal,
        retry: { backoffMs: 0 },
        streamTimeouts: { idleMs: 5000, totalMs: 10_000 },
        streamHandler: { onContentDelta: () => void (++deltas === 3 && controller.abort(new Error('stop'))) },
      }),
    );
    expect(error).to.be.instanceOf(RunAbortedError);
    await sleep(30);
    expect(server.requests).to.have.length(1);
    expect(server.requests[0]!.closedEarly).to.equal(true);
  });

  it('serves a request with the fallback models once the retries fail, then starts the next request with the run model again', async () => {
    server = await ScriptedChatServer.start({
      script: [
        reply.httpError(503),
        reply.httpError(500),
        reply.text('half', { dropAfter: 1 }),
        reply.toolCalls(toolCall('lookup', { q: 'a' })),
        reply.text('done'),
      ],
    });
    const transcript = new Transcript();
    const completed: { model: string; completionModel: string }[] = [];
    const lookup = new FunctionTool({ name: 'lookup', execute: () => 'found' });
    const result = await streamUntilUserInput({
      client: server.client(),
      model: 'main',
      messages: [user('x')],
      tools: [lookup],
      retry: { attempts: 1, backoffMs: 0 },
      fallbackModels: ['backup-1', 'backup-2'],
      streamHandler: [transcript, { onIterationCompleted: (event: any) => void completed.push({ model: event.model, completionModel: event.completion.model }) }],
    });
    expect(server.bodies.map((body) => body.model)).to.deep.equal(['main', 'main', 'backup-1', 'backup-1', 'main']);
    expect(transcript.retries.map(({ attempt, model }) => ({ attempt, model }))).to.deep.equal([
      { attempt: 1, model: 'main' },
      { attempt: 2, model: 'backup-1' },
      { attempt: 3, model: 'backup-1' },
    ]);
    expect(transcript.retries[1]!.delayMs).to.equal(0);
    expect(completed).to.deep.equal([
      { model: 'backup-1', completionModel: 'backup-1' },
      { model: 'main', completionModel: 'main' },
    ]);
    expect(result.finalContent).to.equal('done');
  });

  it('uses fallback models without retry: one try per model', async () => {
    server = await ScriptedChatServer.start({ script: [reply.httpError(429), reply.text('from b')] });
    const result = await streamUntilUserInput({ client: server.client(), model: 'a', messages: [user('x')], fallbackModels: ['b'] });
    expect(result.finalContent).to.equal('from b');
    expect(server.bodies.map((body) => body.model)).to.deep.equal(['a', 'b']);
  });

  it("turns the SDK's own retries off when retry is set, so attempts counts every request; requestOptions.maxRetries turns them back on", async () => {
    server = await ScriptedChatServer.start({ script: [reply.httpError(503, { retryAfterMs: 0 }), reply.httpError(503, { retryAfterMs: 0 })] });
    const client = server.client({ maxRetries: 3 });
    const error = await rejectionOf(streamUntilUserInput({ client, model: 'm', messages: [user('x')], retry: { attempts: 1, backoffMs: 0 } }));
    expect(error).to.be.instanceOf(InternalServerError);
    expect(server.requests).to.have.length(2);
    await server.close();

    server = await ScriptedChatServer.start({
      script: [reply.httpError(503, { retryAfterMs: 0 }), reply.httpError(503, { retryAfterMs: 0 }), reply.text('third time lucky')],
    });
    const transcript = new Transcript();
    const result = await streamUntilUserInput({
      client: server.client(),
      model: 'm',
      messages: [user('x')],
      streamHandler: transcript,
      retry: { attempts: 0 },
      requestOptions: { maxRetries: 2 },
    });
    expect(result.finalContent).to.equal('third time lucky');
    expect(transcript.retries).to.deep.equal([], 'the SDK retried before the first byte, unseen');
  });

  it('tells @OnStreamRetry() methods, with the run info', async () => {
    server = await ScriptedChatServer.start({ script: [reply.httpError(502), reply.text('ok')] });
    const seen: { attempt: number; iteration: number; context: unknown }[] = [];
    class RetryLog {
      @OnStreamRetry()
      note(event: StreamRetryEvent, run: RunInfo<{ tenant: string }>) {
        seen.push({ attempt: event.attempt, iteration: run.iteration, context: run.context });
      }
    }
    await streamUntilUserInput({
      client: server.client(),
      model: 'm',
      messages: [user('x')],
      context: { tenant: 't1' },
      streamHandler: new RetryLog(),
      retry: { backoffMs: 0 },
    });
    expect(seen).to.deep.equal([{ attempt: 1, iteration: 0, context: { tenant: 't1' } }]);
  });

  it('backs off between retries of one model, doubling the wait', async () => {
    server = await ScriptedChatServer.start({ script: [reply.httpError(500), reply.httpError(500), reply.httpError(500), reply.text('ok')] });
    const transcript = new Transcript();
    await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], streamHandler: transcript, retry: { attempts: 3, backoffMs: 40 } });
    const delays = transcript.retries.map((event) => event.delayMs);
    expect(delays).to.have.length(3);
    // Each wait is the doubled base less up to a quarter (jitter).
    [40, 80, 160].forEach((base, i) => expect(delays[i]).to.be.within(base * 0.75, base));
  });
});
