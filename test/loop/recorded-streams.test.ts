import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CompletionUsage } from 'openai/resources/completions';
import {
  FunctionTool,
  OnChunk,
  OnContentDelta,
  OnIterationStarted,
  OnReasoningDelta,
  OnToolCallArgumentsDone,
  streamUntilUserInput,
  streamUntilUserInputEvents,
  type ChunkEvent,
  type ContentDeltaEvent,
  type FunctionToolCallArgumentsDoneEvent,
  type IterationCompletedEvent,
  type IterationStartedEvent,
  type LifecycleEvent,
  type ReasoningDeltaEvent,
  type RunFailedEvent,
  type RunInfo,
  type StreamResult,
  type StreamEvent,
} from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, type DeliveryOptions } from 'chat-cmpl-stream-handler/testing';
import { collect, user } from '../support/helpers.js';

/**
 * Streams recorded from real "OpenAI-compatible" providers (one JSON file each under
 * fixtures/recorded-streams, with its origin), replayed through a real HTTP server and the real
 * `openai` client into the engine. docs/provider-streams.md lists them. Streams that expose a
 * defect of the library live in fixtures/recorded-streams/defects/ and run only with
 * `RECORDED_STREAMS=defects`.
 */

/** One recorded stream: where it came from and what the library must make of it. */
interface RecordedStream {
  provider: string;
  model: string;
  origin: string;
  transcription: string;
  notes: string;
  /** Tools to offer (default: the names the expected tool calls use) and extra request params. */
  request?: { tools?: string[]; params?: Record<string, unknown> };
  /** How the server delivers the chunks (e.g. `done: false` when the recording had no `[DONE]`). */
  delivery?: DeliveryOptions;
  /** The SSE `data:` payloads, in order. */
  chunks: unknown[];
  expected: {
    /** The assistant message exactly as the engine keeps it (and sends it back, unless `sentBack` says otherwise). */
    assistant: AssistantMessage;
    /** The assistant message as the next request must carry it, where the provider needs it to differ. */
    sentBack?: AssistantMessage;
    finishReason: string;
    usage: CompletionUsage | null;
    /** The reasoning the stream carried, and the delta field it came in. */
    reasoning?: { field: 'reasoning_content' | 'reasoning'; text: string };
    /** How many log-probability entries the content / refusal carried. */
    logprobs?: { content?: number; refusal?: number };
    /** How many choices the completion has (streams asked for `n` > 1). */
    choices?: number;
    /** A valid OpenAI stream: the chunks the accumulator sees equal the recorded ones. */
    passthrough?: boolean;
  };
}

interface AssistantMessage {
  role: 'assistant';
  content: string | null;
  refusal?: string;
  tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string }; [extra: string]: unknown }[];
  [extra: string]: unknown;
}

/** An expected tool-call id the client makes up because the provider sent an empty one. */
const GENERATED_ID = '<generated>';

/**
 * The corpus. `RECORDED_STREAMS=defects` replays the streams that expose known defects instead
 * (fixtures/recorded-streams/defects/, each failing until its defect is fixed and it moves up).
 */
const DEFECTS = process.env['RECORDED_STREAMS'] === 'defects';
const FIXTURES = fileURLToPath(new URL(`../../../test/loop/fixtures/recorded-streams/${DEFECTS ? 'defects/' : ''}`, import.meta.url));
const PROMPT = 'Replaying a recorded stream.';
const FOLLOW_UP = 'And then?';
const toolOutput = (name: string) => `${name}: done`;

function loadFixtures(): [string, RecordedStream][] {
  return readdirSync(FIXTURES)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => [file, JSON.parse(readFileSync(FIXTURES + file, 'utf8')) as RecordedStream]);
}

const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

/** Hooks that record what a handler receives in the first model request of the first run. */
class HookRecorder {
  argumentsDone: [number, string, string][] = [];
  content = '';
  reasoning = '';
  /** Each chunk as JSON at the moment the hook saw it (openai 6.x later grows a chunk's logprobs arrays in place). */
  chunks: unknown[] = [];
  private runId: string | undefined;
  @OnIterationStarted() started(_event: IterationStartedEvent, run: RunInfo) {
    this.runId ??= run.runId;
  }
  @OnToolCallArgumentsDone() done(event: FunctionToolCallArgumentsDoneEvent, run: RunInfo) {
    if (this.first(run)) this.argumentsDone.push([event.index, event.name, event.arguments]);
  }
  @OnChunk() chunk(event: ChunkEvent, run: RunInfo) {
    if (this.first(run)) this.chunks.push(plain(event.chunk));
  }
  @OnContentDelta() text(event: ContentDeltaEvent, run: RunInfo) {
    if (this.first(run)) this.content += event.delta;
  }
  @OnReasoningDelta() thinking(event: ReasoningDeltaEvent, run: RunInfo) {
    if (this.first(run)) this.reasoning += event.delta;
  }
  private first(run: RunInfo): boolean {
    return run.runId === this.runId && run.iteration === 0;
  }
}

function toolsFor(fixture: RecordedStream): FunctionTool<Record<string, unknown>, unknown>[] {
  const names = fixture.request?.tools ?? (fixture.expected.assistant.tool_calls ?? []).map((call) => call.function.name);
  return [...new Set(names)].map((name) => new FunctionTool({ name, execute: () => toolOutput(name) }));
}

const callsOf = (fixture: RecordedStream) => fixture.expected.assistant.tool_calls ?? [];

/**
 * Plays the fixture to the engine through one of its two entry points. A stream without tool calls
 * gets a follow-up turn built from `toInputList()`, so `server.requests[1]` is always the request
 * that carries the recorded assistant message back to the provider.
 */
async function replay(fixture: RecordedStream, entry: 'events' | 'callback') {
  const server = await ScriptedChatServer.start({ script: [reply.raw(fixture.chunks, fixture.delivery), reply.text('Done.')] });
  try {
    const hooks = new HookRecorder();
    const options = {
      client: server.client(),
      model: fixture.model,
      messages: [user(PROMPT)],
      tools: toolsFor(fixture),
      streamHandler: hooks,
      ...(fixture.request?.params ? { params: fixture.request.params } : {}),
    };
    let events: LifecycleEvent[] = [];
    let result: StreamResult;
    if (entry === 'events') {
      events = await collect(streamUntilUserInputEvents(options));
      const last = events.at(-1)!;
      if (last.type !== 'run.completed') throw (last as RunFailedEvent).error;
      result = last.result;
    } else {
      result = await streamUntilUserInput(options);
    }
    if (callsOf(fixture).length === 0) {
      await streamUntilUserInput({ ...options, messages: [...result.toInputList(), user(FOLLOW_UP)] });
    }
    server.assertDone();
    return { server, events, hooks, result };
  } finally {
    await server.close({ force: true });
  }
}

function streamEventsOf(events: LifecycleEvent[], iteration: number): StreamEvent[] {
  return events.flatMap((e) => (e.type === 'stream.event' && e.iteration === iteration ? [e.event] : []));
}

/**
 * The expected assistant message with each `<generated>` tool-call id replaced by the id the run
 * made up, once that id is checked to be a fresh `call_...` id.
 */
function withGeneratedIds(expected: AssistantMessage, actual: any): AssistantMessage {
  if (!expected.tool_calls?.some((call) => call.id === GENERATED_ID)) return expected;
  const ids: string[] = (actual?.tool_calls ?? []).map((call: { id: string }) => call.id);
  return {
    ...expected,
    tool_calls: expected.tool_calls.map((call, i) => {
      if (call.id !== GENERATED_ID) return call;
      expect(ids[i], `generated id of tool call ${i}`).to.match(/^call_\S+$/);
      return { ...call, id: ids[i]! };
    }),
  };
}

describe('recorded provider streams', () => {
  for (const [file, fixture] of loadFixtures()) {
    describe(`${fixture.provider} (${file})`, () => {
      const { expected } = fixture;

      it('assembles the assistant message, usage and finish reason, and reports each stream event once', async () => {
        const { events, hooks } = await replay(fixture, 'events');
        const completed = events.find((e): e is IterationCompletedEvent => e.type === 'iteration.completed' && e.index === 0)!;
        const assistant = withGeneratedIds(expected.assistant, completed.assistantMessage);
        const calls = assistant.tool_calls ?? [];
        expect(completed.assistantMessage).to.deep.equal(assistant);
        expect(completed.completion.choices[0]!.finish_reason).to.equal(expected.finishReason);
        expect(completed.completion.choices).to.have.length(expected.choices ?? 1);
        expect(completed.usage).to.deep.equal(expected.usage);

        const stream = streamEventsOf(events, 0);
        const ofType = <T extends StreamEvent['type']>(type: T) => stream.filter((e): e is Extract<StreamEvent, { type: T }> => e.type === type);
        const content = assistant.content ?? '';
        expect(ofType('content.delta').map((e) => e.delta).join('')).to.equal(content);
        expect(hooks.content).to.equal(content);
        expect(ofType('content.done').map((e) => e.content)).to.deep.equal(content ? [content] : []);

        const argumentsDone = ofType('tool_calls.function.arguments.done').map((e) => [e.index, e.name, e.arguments]);
        const wanted = calls.map((call, index) => [index, call.function.name, call.function.arguments]);
        expect(argumentsDone).to.deep.equal(wanted);
        expect(hooks.argumentsDone).to.deep.equal(wanted);

        const reasoning = expected.reasoning;
        expect(ofType('reasoning.delta').map((e) => e.delta).join('')).to.equal(reasoning?.text ?? '');
        expect(hooks.reasoning).to.equal(reasoning?.text ?? '');
        expect(ofType('reasoning.done').map((e) => [e.field, e.reasoning])).to.deep.equal(reasoning ? [[reasoning.field, reasoning.text]] : []);

        const refusal = assistant.refusal;
        expect(ofType('refusal.delta').map((e) => e.delta).join('')).to.equal(refusal ?? '');
        expect(ofType('refusal.done').map((e) => e.refusal)).to.deep.equal(refusal ? [refusal] : []);

        expect(ofType('logprobs.content.done').map((e) => e.content.length)).to.deep.equal(
          expected.logprobs?.content !== undefined ? [expected.logprobs.content] : [],
        );
        expect(ofType('logprobs.refusal.done').map((e) => e.refusal.length)).to.deep.equal(
          expected.logprobs?.refusal !== undefined ? [expected.logprobs.refusal] : [],
        );

        if (expected.passthrough) {
          expect(hooks.chunks).to.deep.equal(fixture.chunks);
        }
        const finished = events.filter((e) => e.type === 'tool_call.completed').map((e: any) => e.toolCall.id);
        expect(finished).to.deep.equal(calls.map((call) => call.id));
      });

      it('returns the same result through streamUntilUserInput and sends back what the provider needs', async () => {
        const { server, result } = await replay(fixture, 'callback');
        const assistant = withGeneratedIds(expected.assistant, result.messages[1]);
        expect(result.messages[1]).to.deep.equal(assistant);
        expect(result.completions[0]!.usage ?? null).to.deep.equal(expected.usage);
        const next = server.requests[1]!.body.messages;
        expect(next[0]).to.deep.equal(user(PROMPT));
        expect(next[1]).to.deep.equal(expected.sentBack ? withGeneratedIds(expected.sentBack, next[1]) : assistant);
        const toolMessages = (assistant.tool_calls ?? []).map((call) => ({ role: 'tool', tool_call_id: call.id, content: toolOutput(call.function.name) }));
        expect(next.slice(2)).to.deep.equal(toolMessages.length > 0 ? toolMessages : [user(FOLLOW_UP)]);
      });
    });
  }
});
