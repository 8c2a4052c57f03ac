/**
 * Pins each behaviour of the OpenAI SDK that src/loop/openai-sdk.ts relies on, one test per
 * assumption written there. CI runs this file against the oldest supported 6.x and the newest 7.x: a
 * failure here means an SDK release changed something the engine depends on.
 */
import { expect } from 'chai';
import OpenAI, * as openaiRoot from 'openai';
import * as coreError from 'openai/core/error';
import { reply, ScriptedChatServer } from 'chat-cmpl-stream-handler/testing';
import { zodFunction, zodResponseFormat } from 'openai/helpers/zod';
import { ChatCompletionStream } from 'openai/lib/ChatCompletionStream';
import { isAutoParsableResponseFormat, isAutoParsableTool } from 'openai/lib/parser';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { z } from 'zod';

const base = { id: 'c1', object: 'chat.completion.chunk' as const, created: 1, model: 'm' };

function chunk(delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}): ChatCompletionChunk {
  return { ...base, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }], ...extra } as ChatCompletionChunk;
}

/** A stand-in client as src/loop/openai-sdk.ts `accumulate` builds it, recording what the SDK asks of it. */
function standIn(chunks: ChatCompletionChunk[]) {
  const calls: { params: unknown; options: any }[] = [];
  const controller = new AbortController();
  let iterated = false;
  const client = {
    chat: {
      completions: {
        create: async (params: unknown, options: unknown) => {
          calls.push({ params, options });
          return {
            controller,
            async *[Symbol.asyncIterator]() {
              iterated = true;
              yield* chunks;
            },
          };
        },
      },
    },
  } as unknown as OpenAI;
  return { client, calls, controller, iterated: () => iterated };
}

const stream = (client: OpenAI, signal = new AbortController().signal) =>
  ChatCompletionStream.createChatCompletion<null>(client, { model: 'm', messages: [], stream: true }, { signal });

describe('OpenAI SDK contract (what src/loop/openai-sdk.ts assumes)', () => {
  it('createChatCompletion calls create once with its signal, iterates the result, and its abort() aborts that signal', async () => {
    const fake = standIn([chunk({ role: 'assistant', content: 'hi' }), chunk({}, 'stop')]);
    const outer = new AbortController();
    const s = stream(fake.client, outer.signal);
    const completion = await s.finalChatCompletion();
    expect(fake.calls).to.have.length(1);
    expect(fake.calls[0]!.options.signal).to.be.an.instanceOf(AbortSignal);
    expect(fake.iterated()).to.equal(true);
    expect(completion.choices[0]!.message.content).to.equal('hi');

    const pending = standIn([chunk({ role: 'assistant', content: 'x' })]);
    const aborted = stream(pending.client);
    aborted.on('error', () => {});
    while (pending.calls.length === 0) await new Promise((resolve) => setImmediate(resolve));
    aborted.abort();
    expect(pending.calls[0]!.options.signal.aborted).to.equal(true);
    await aborted.done().catch(() => {});
  });

  it("treats the stream as aborted when the returned object's controller is aborted", async () => {
    const fake = standIn([chunk({ role: 'assistant', content: 'x' }), chunk({}, 'stop')]);
    fake.controller.abort();
    const s = stream(fake.client);
    s.on('error', () => {});
    const error = await s.finalChatCompletion().then(() => undefined, (e: Error) => e);
    expect(error).to.be.an.instanceOf(OpenAI.APIUserAbortError);
  });

  it('emits the events and payload fields STREAM_EVENT_BUILDERS reads, and chunk with (chunk, snapshot)', async () => {
    const fake = standIn([
      chunk({ role: 'assistant', content: 'Hel' }, null, { choices: [{ index: 0, delta: { role: 'assistant', content: 'Hel' }, finish_reason: null, logprobs: { content: [{ token: 'Hel', logprob: -0.1, bytes: null, top_logprobs: [] }], refusal: null } }] }),
      chunk({ content: 'lo' }),
      chunk({ tool_calls: [{ index: 0, id: 't1', type: 'function', function: { name: 'f', arguments: '{"a"' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }),
      chunk({}, 'tool_calls'),
    ]);
    const s = stream(fake.client);
    const seen: Record<string, any[]> = {};
    const record = (name: string) => (...args: any[]) => (seen[name] ??= []).push(args);
    for (const name of ['chunk', 'content.delta', 'content.done', 'tool_calls.function.arguments.delta', 'tool_calls.function.arguments.done', 'logprobs.content.delta', 'logprobs.content.done'] as const) {
      s.on(name as any, record(name));
    }
    await s.done();
    expect(seen['chunk']![0]).to.have.length(2);
    expect(seen['chunk']![0][1]).to.have.property('choices');
    expect(seen['content.delta']![1][0]).to.include({ delta: 'lo', snapshot: 'Hello' }).and.to.have.property('parsed');
    expect(seen['content.done']![0][0]).to.include({ content: 'Hello' }).and.to.have.property('parsed');
    expect(seen['tool_calls.function.arguments.delta']![1][0]).to.include({ name: 'f', index: 0, arguments: '{"a":1}', arguments_delta: ':1}' });
    expect(seen['tool_calls.function.arguments.delta']![1][0]).to.have.property('parsed_arguments');
    expect(seen['tool_calls.function.arguments.done']![0][0]).to.include({ name: 'f', index: 0, arguments: '{"a":1}' }).and.to.have.property('parsed_arguments');
    expect(seen['logprobs.content.delta']![0][0]).to.have.keys('content', 'snapshot');
    expect(seen['logprobs.content.done']![0][0]).to.have.keys('content');
  });

  it('recognises zod response formats and tools as auto-parseable, and plain or strict ones as not', () => {
    const format = zodResponseFormat(z.object({ city: z.string() }), 'answer');
    expect(isAutoParsableResponseFormat(format)).to.equal(true);
    expect(isAutoParsableResponseFormat({ type: 'json_schema', json_schema: { name: 'x', strict: true, schema: {} } })).to.equal(false);
    expect(isAutoParsableResponseFormat(undefined)).to.equal(false);
    const tool = zodFunction({ name: 'f', parameters: z.object({ a: z.number() }) });
    expect(isAutoParsableTool(tool)).to.equal(true);
    expect(isAutoParsableTool({ type: 'function', function: { name: 'f', strict: true, parameters: {} } })).to.equal(false);
  });

  it('rejects a stream that ends before any chunk with a message saying "without sending any chunks"', async () => {
    const s = stream(standIn([]).client);
    s.on('error', () => {});
    const error = await s.finalChatCompletion().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.match(/without sending any chunks/);
  });

  describe('errors a retry tells apart', () => {
    let server: ScriptedChatServer;
    afterEach(async () => server?.close({ force: true }));
    const readAll = async (client: OpenAI) => {
      const stream = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true });
      for await (const _chunk of stream);
    };
    const failure = async (promise: Promise<unknown>) => promise.then(() => expect.fail('expected a failure'), (error: unknown) => error as any);

    it('exports the error classes from openai/core/error, the same classes as the root entry', () => {
      expect(coreError.APIError).to.equal(openaiRoot.APIError);
      expect(coreError.APIConnectionError).to.equal(openaiRoot.APIConnectionError);
      expect(coreError.APIUserAbortError).to.equal(openaiRoot.APIUserAbortError);
    });

    it('throws an APIError without a status (neither a connection nor an abort error) for an error event mid-stream', async () => {
      server = await ScriptedChatServer.start({ script: [reply.text('abcdefgh', { chunkSize: 1, failAfter: 3, streamError: { message: 'overloaded' } })] });
      const error = await failure(readAll(server.client()));
      expect(error).to.be.instanceOf(coreError.APIError);
      expect(error).to.not.be.instanceOf(coreError.APIConnectionError);
      expect(error).to.not.be.instanceOf(coreError.APIUserAbortError);
      expect(error.status).to.equal(undefined);
      expect(error.message).to.contain('overloaded');
    });

    it("surfaces a connection cut mid-stream with undici's TypeError 'terminated' and UND_ERR_SOCKET in the cause chain", async () => {
      server = await ScriptedChatServer.start({ script: [reply.text('abcdefgh', { chunkSize: 1, dropAfter: 3 })] });
      const error = await failure(readAll(server.client()));
      const chain: any[] = [];
      for (let cause = error; cause; cause = cause.cause) chain.push(cause);
      expect(chain.some((cause) => cause instanceof TypeError && cause.message === 'terminated')).to.equal(true);
      expect(chain.some((cause) => cause.code === 'UND_ERR_SOCKET')).to.equal(true);
    });
  });
});
