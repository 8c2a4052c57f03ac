import { expect } from 'chai';
import {
  ChatCompletionStreamHandler,
  FunctionTool,
  HookError,
  OnContentDelta,
  OnContentDone,
  OnEvent,
  OnIterationCompleted,
  OnIterationStarted,
  OnLogprobsContentDelta,
  OnLogprobsContentDone,
  OnLogprobsRefusalDelta,
  OnLogprobsRefusalDone,
  OnRefusalDelta,
  OnRefusalDone,
  OnRunCompleted,
  OnRunFailed,
  OnToolCallArgumentsDelta,
  OnToolCallArgumentsDone,
  OnToolCallCompleted,
  OnToolCallFailed,
  OnToolCallStarted,
  streamUntilUserInput,
  type ContentDeltaEvent,
  type FunctionToolCallArgumentsDoneEvent,
  type RunInfo,
  type StreamEvent,
} from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { rejectionOf, sleep, user } from '../support/helpers.js';

describe('hooks', () => {
  let server: ScriptedChatServer;
  afterEach(async () => server?.close({ force: true }));

  it('calls overridden handler methods: onEvent first, then the specific hook, with the run info', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('Hello world', { chunkSize: 5 })] });
    const calls: string[] = [];
    const infos: RunInfo[] = [];
    class Printer extends ChatCompletionStreamHandler<{ user: string }> {
      override async onEvent(event: StreamEvent) {
        calls.push(`event:${event.type}`);
      }
      override async onContentDelta(event: ContentDeltaEvent, run: RunInfo<{ user: string }>) {
        calls.push(`delta:${event.delta}`);
        infos.push(run);
      }
      override async onContentDone(event: { content: string }) {
        calls.push(`done:${event.content}`);
      }
    }
    await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('hi')], streamHandler: new Printer(), context: { user: 'ann' } });
    const deltas = calls.filter((c) => c.startsWith('delta:'));
    expect(deltas).to.deep.equal(['delta:Hello', 'delta: worl', 'delta:d']);
    // onEvent precedes each specific hook
    for (const [i, call] of calls.entries()) {
      if (call.startsWith('delta:')) expect(calls[i - 1]).to.equal('event:content.delta');
      if (call.startsWith('done:')) expect(calls[i - 1]).to.equal('event:content.done');
    }
    expect(calls.filter((c) => c.startsWith('done:'))).to.deep.equal(['done:Hello world']);
    expect(infos[0]!.context).to.deep.equal({ user: 'ann' });
    expect(infos[0]!.iteration).to.equal(0);
    expect(infos[0]!.runId).to.be.a('string').with.length.greaterThan(8);
    expect(infos[0]!.signal).to.be.instanceOf(AbortSignal);
  });

  it('calls decorated methods of any class for every stream and lifecycle event, in order', async () => {
    server = await ScriptedChatServer.start({
      script: [
        reply.toolCalls([toolCall('ok', {}), toolCall('bad', {})], { content: 'Checking', logprobs: true }),
        reply.refusal('I cannot', { logprobs: true }),
      ],
    });
    const seen: string[] = [];
    class Recorder {
      @OnIterationStarted() started(e: { index: number }) {
        seen.push(`iteration.started:${e.index}`);
      }
      @OnContentDelta() delta() {
        seen.push('content.delta');
      }
      @OnContentDone() contentDone() {
        seen.push('content.done');
      }
      @OnLogprobsContentDelta() lpDelta() {
        seen.push('logprobs.content.delta');
      }
      @OnLogprobsContentDone() lpDone() {
        seen.push('logprobs.content.done');
      }
      @OnToolCallArgumentsDelta() argsDelta() {
        seen.push('args.delta');
      }
      @OnToolCallArgumentsDone() argsDone(e: FunctionToolCallArgumentsDoneEvent) {
        seen.push(`args.done:${e.name}`);
      }
      @OnIterationCompleted() completed(e: { index: number }) {
        seen.push(`iteration.completed:${e.index}`);
      }
      @OnToolCallStarted() toolStarted(e: { toolCall: { function: { name: string } } }) {
        seen.push(`tool.started:${e.toolCall.function.name}`);
      }
      @OnToolCallCompleted() toolCompleted(e: { toolCall: { function: { name: string } } }) {
        seen.push(`tool.completed:${e.toolCall.function.name}`);
      }
      @OnToolCallFailed() toolFailed(e: { toolCall: { function: { name: string } } }) {
        seen.push(`tool.failed:${e.toolCall.function.name}`);
      }
      @OnRefusalDelta() refusalDelta() {
        seen.push('refusal.delta');
      }
      @OnRefusalDone() refusalDone(e: { refusal: string }) {
        seen.push(`refusal.done:${e.refusal}`);
      }
      @OnLogprobsRefusalDelta() lpRefusalDelta() {
        seen.push('logprobs.refusal.delta');
      }
      @OnLogprobsRefusalDone() lpRefusalDone() {
        seen.push('logprobs.refusal.done');
      }
      @OnRunCompleted() runCompleted() {
        seen.push('run.completed');
      }
    }
    const ok = new FunctionTool({ name: 'ok', execute: () => sleep(5).then(() => 'fine') });
    const bad = new FunctionTool({ name: 'bad', execute: () => Promise.reject(new Error('no')) });
    await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], tools: [ok, bad], streamHandler: new Recorder() });
    const compact = seen.filter((s, i) => s !== seen[i - 1]);
    expect(compact).to.deep.equal([
      'iteration.started:0',
      'content.delta',
      'logprobs.content.delta',
      'content.delta',
      'logprobs.content.delta',
      // the SDK closes the text when the first tool call starts
      'content.done',
      'logprobs.content.done',
      'args.delta',
      'args.done:ok',
      'args.delta',
      'args.done:bad',
      'iteration.completed:0',
      'tool.started:ok',
      'tool.started:bad',
      'tool.failed:bad',
      'tool.completed:ok',
      'iteration.started:1',
      'refusal.delta',
      'logprobs.refusal.delta',
      'refusal.delta',
      'logprobs.refusal.delta',
      'refusal.done:I cannot',
      'logprobs.refusal.done',
      'iteration.completed:1',
      'run.completed',
    ]);
  });

  it('runs several handlers in registration order, @OnEvent before the specific hooks of the same handler', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('ab', { chunkSize: 2 })] });
    const order: string[] = [];
    class A extends ChatCompletionStreamHandler {
      override async onContentDelta() {
        order.push('A.delta');
      }
    }
    class B {
      @OnContentDelta() delta() {
        order.push('B.delta');
      }
      @OnEvent() any(e: StreamEvent) {
        if (e.type === 'content.delta') order.push('B.event');
      }
    }
    const plain = { onContentDelta: () => void order.push('plain.delta') };
    await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], streamHandler: [new A(), new B(), plain] });
    expect(order).to.deep.equal(['A.delta', 'B.event', 'B.delta', 'plain.delta']);
  });

  it('awaits async hooks before the next chunk is processed (backpressure)', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('abcdef', { chunkSize: 1 })] });
    const log: string[] = [];
    class Slow extends ChatCompletionStreamHandler {
      override async onChunk() {
        log.push('chunk');
      }
      override async onContentDelta(e: ContentDeltaEvent) {
        log.push(`start:${e.delta}`);
        await sleep(5);
        log.push(`end:${e.delta}`);
      }
    }
    await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], streamHandler: new Slow() });
    const body = log.filter((l) => l !== 'chunk');
    expect(body).to.deep.equal(['a', 'b', 'c', 'd', 'e', 'f'].flatMap((c) => [`start:${c}`, `end:${c}`]));
    // each chunk event comes after the previous delta hook finished
    expect(log.indexOf('end:a')).to.be.lessThan(log.lastIndexOf('chunk'));
  });

  it('supports hooks defined as instance fields (arrow functions)', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('xy', { chunkSize: 1 })] });
    const deltas: string[] = [];
    class Fields extends ChatCompletionStreamHandler {
      override onContentDelta = async (e: ContentDeltaEvent) => {
        deltas.push(e.delta);
      };
    }
    await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], streamHandler: new Fields() });
    expect(deltas).to.deep.equal(['x', 'y']);
  });

  it('fails the run with a HookError naming the hook and event when a hook throws, keeping the messages', async () => {
    server = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('t', {})), reply.text('never finished', { delayMs: 1 })] });
    const failures: unknown[] = [];
    class Broken {
      @OnContentDelta() explode() {
        throw new Error('printer jammed');
      }
      @OnRunFailed() failed(e: { error: unknown }) {
        failures.push(e.error);
      }
    }
    const error = await rejectionOf(
      streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], tools: [new FunctionTool({ name: 't', execute: () => 'r' })], streamHandler: new Broken() }),
    );
    expect(error).to.be.instanceOf(HookError);
    expect(error.message).to.equal('Hook Broken.explode failed while handling "content.delta": printer jammed');
    expect(error.hook).to.equal('Broken.explode');
    expect(error.cause.message).to.equal('printer jammed');
    expect(error.messages.map((m: any) => m.role)).to.deep.equal(['user', 'assistant', 'tool']);
    expect(failures).to.deep.equal([error]);
  });

  it('a rejecting async hook fails the run the same way', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('hello')] });
    class Rejects extends ChatCompletionStreamHandler {
      override async onRunCompleted() {
        throw new Error('could not save');
      }
    }
    const error = await rejectionOf(streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], streamHandler: new Rejects() }));
    expect(error).to.be.instanceOf(HookError);
    expect(error.eventType).to.equal('run.completed');
    expect(error.messages.map((m: any) => m.role)).to.deep.equal(['user', 'assistant']);
  });
});
