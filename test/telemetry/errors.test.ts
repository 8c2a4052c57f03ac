import { SpanStatusCode } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_GEN_AI_TOOL_CALL_ID } from '@opentelemetry/semantic-conventions/incubating';
import { expect } from 'chai';
import {
  FunctionTool,
  MaxIterationsReached,
  RunAbortedError,
  streamUntilUserInput,
  streamUntilUserInputEvents,
  ToolResult,
  ToolTimeoutError,
} from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { rejectionOf, sleep, user } from '../support/helpers.js';
import { OtelSdk, parentId, spanId } from './fixtures/otel.js';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

class InventoryDown extends Error {}

const failed = (span: ReadableSpan) => ({ status: span.status.code, errorType: span.attributes[ATTR_ERROR_TYPE] });

describe('telemetry: failures, aborts and timeouts', () => {
  let server: ScriptedChatServer;
  let sdk: OtelSdk;
  beforeEach(() => {
    sdk = new OtelSdk();
  });
  afterEach(async () => {
    await server?.close({ force: true });
    await sdk.shutdown();
  });

  it('a failed model request: chat and run spans end with status ERROR and the error class as error.type', async () => {
    server = await ScriptedChatServer.start({ script: [reply.httpError(500)] });
    const error = await rejectionOf(streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('hi')], telemetry: sdk.options() }));
    expect(error.constructor.name).to.equal('InternalServerError');
    expect(failed(sdk.span('chat m'))).to.deep.equal({ status: SpanStatusCode.ERROR, errorType: 'InternalServerError' });
    expect(failed(sdk.span('invoke_agent'))).to.deep.equal({ status: SpanStatusCode.ERROR, errorType: 'InternalServerError' });
    expect(parentId(sdk.span('chat m'))).to.equal(spanId(sdk.span('invoke_agent')));
  });

  it('an error event in the middle of the stream fails the chat span too', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('partial answer', { chunkSize: 2, failAfter: 3 })] });
    await rejectionOf(streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('hi')], telemetry: sdk.options() }));
    expect(failed(sdk.span('chat m')).status).to.equal(SpanStatusCode.ERROR);
    expect(failed(sdk.span('chat m')).errorType).to.be.a('string').and.not.equal('');
    expect(failed(sdk.span('invoke_agent')).status).to.equal(SpanStatusCode.ERROR);
  });

  it('tool failures (thrown, reported with ToolResult.error, unknown tool, timeout) mark their execute_tool spans; the run goes on', async () => {
    server = await ScriptedChatServer.start({
      script: [
        reply.toolCalls([
          toolCall('stock', {}, { id: 'thrown' }),
          toolCall('search', {}, { id: 'reported' }),
          toolCall('teleport', {}, { id: 'unknown' }),
          toolCall('slow', {}, { id: 'timeout' }),
          toolCall('search', {}, { id: 'fine' }),
        ]),
        reply.text('Sorry, some tools failed.'),
      ],
    });
    let searches = 0;
    const tools = [
      new FunctionTool({ name: 'stock', execute: () => Promise.reject(new InventoryDown('warehouse offline')) }),
      new FunctionTool({ name: 'search', execute: () => (++searches === 1 ? ToolResult.error('no results') : 'one result') }),
      new FunctionTool({ name: 'slow', timeout: 20, execute: () => sleep(500).then(() => 'late') }),
    ];
    const result = await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('go')], tools, telemetry: sdk.options() });
    expect(result.finalContent).to.equal('Sorry, some tools failed.');

    const byId = Object.fromEntries(sdk.spans().filter((span) => span.name.startsWith('execute_tool')).map((span) => [span.attributes[ATTR_GEN_AI_TOOL_CALL_ID], span]));
    expect(failed(byId['thrown']!)).to.deep.equal({ status: SpanStatusCode.ERROR, errorType: 'InventoryDown' });
    expect(failed(byId['reported']!)).to.deep.equal({ status: SpanStatusCode.ERROR, errorType: 'ToolReportedError' });
    expect(failed(byId['unknown']!)).to.deep.equal({ status: SpanStatusCode.ERROR, errorType: 'UnknownToolError' });
    expect(byId['unknown']!.name).to.equal('execute_tool teleport');
    expect(failed(byId['timeout']!)).to.deep.equal({ status: SpanStatusCode.ERROR, errorType: ToolTimeoutError.name });
    expect(failed(byId['fine']!)).to.deep.equal({ status: SpanStatusCode.UNSET, errorType: undefined });
    expect(failed(sdk.span('invoke_agent'))).to.deep.equal({ status: SpanStatusCode.UNSET, errorType: undefined });
  });

  it('an abort during the stream ends the chat and run spans as RunAbortedError, whatever the abort reason', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('x'.repeat(300), { chunkSize: 1, delayMs: 5 })] });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user left')), 60);
    const error = await rejectionOf(
      streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('long story')], signal: controller.signal, telemetry: sdk.options() }),
    );
    expect(error).to.be.instanceOf(RunAbortedError);
    expect(failed(sdk.span('chat m'))).to.deep.equal({ status: SpanStatusCode.ERROR, errorType: 'RunAbortedError' });
    expect(failed(sdk.span('invoke_agent'))).to.deep.equal({ status: SpanStatusCode.ERROR, errorType: 'RunAbortedError' });
  });

  it('an abort while tools run ends their spans (even a tool that ignores the signal) and the run span', async () => {
    server = await ScriptedChatServer.start({ script: [reply.toolCalls([toolCall('polite', {}), toolCall('stubborn', {})]), reply.text('never sent')] });
    const controller = new AbortController();
    const polite = new FunctionTool({
      name: 'polite',
      execute: (_args, _context, { signal }) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    });
    const stubborn = new FunctionTool({ name: 'stubborn', execute: () => sleep(2000).then(() => 'done') });
    setTimeout(() => controller.abort(), 50);
    await rejectionOf(streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], tools: [polite, stubborn], signal: controller.signal, telemetry: sdk.options() }));
    expect(failed(sdk.span('execute_tool polite'))).to.deep.equal({ status: SpanStatusCode.ERROR, errorType: 'RunAbortedError' });
    expect(failed(sdk.span('execute_tool stubborn'))).to.deep.equal({ status: SpanStatusCode.ERROR, errorType: 'RunAbortedError' });
    expect(failed(sdk.span('invoke_agent'))).to.deep.equal({ status: SpanStatusCode.ERROR, errorType: 'RunAbortedError' });
  });

  it('a reader that stops iterating the events ends every span', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('y'.repeat(200), { chunkSize: 1, delayMs: 5 })] });
    let deltas = 0;
    for await (const event of streamUntilUserInputEvents({ client: server.client(), model: 'm', messages: [user('x')], telemetry: sdk.options() })) {
      if (event.type === 'stream.event' && event.event.type === 'content.delta' && ++deltas === 3) break;
    }
    expect(failed(sdk.span('chat m'))).to.deep.equal({ status: SpanStatusCode.ERROR, errorType: 'RunAbortedError' });
    expect(failed(sdk.span('invoke_agent'))).to.deep.equal({ status: SpanStatusCode.ERROR, errorType: 'RunAbortedError' });
  });

  it('a run that fails on its own terms (MaxIterationsReached, invalid options) still ends its span', async () => {
    server = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('noop', {}))] });
    const noop = new FunctionTool({ name: 'noop', execute: () => 'ok' });
    const error = await rejectionOf(streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], tools: [noop], maxIterations: 1, telemetry: sdk.options() }));
    expect(error).to.be.instanceOf(MaxIterationsReached);
    expect(failed(sdk.span('invoke_agent'))).to.deep.equal({ status: SpanStatusCode.ERROR, errorType: 'MaxIterationsReached' });
    expect(failed(sdk.span('chat m')).status).to.equal(SpanStatusCode.UNSET);

    sdk.exporter.reset();
    const invalid = await rejectionOf(streamUntilUserInput({ client: server.client(), model: '', messages: [user('x')], telemetry: sdk.options() }));
    expect(invalid).to.be.instanceOf(TypeError);
    expect(sdk.spans().map((span) => span.name)).to.deep.equal(['invoke_agent']);
    expect(failed(sdk.span('invoke_agent'))).to.deep.equal({ status: SpanStatusCode.ERROR, errorType: 'TypeError' });
  });

  it('a malformed telemetry option fails the run with a message naming it', async () => {
    server = await ScriptedChatServer.start({ script: [] });
    const bad = await rejectionOf(
      streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], telemetry: { tracer: {} as any, captureContents: true } as any }),
    );
    expect(bad).to.be.instanceOf(TypeError);
    expect(bad.message).to.contain('telemetry has unknown option captureContents; known: tracer, meter, captureContent.');
    const badTracer = await rejectionOf(streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], telemetry: { tracer: {} as any } }));
    expect(badTracer.message).to.contain("telemetry.tracer must be an OpenTelemetry Tracer (trace.getTracer('my-app'))");
    const badFlag = await rejectionOf(streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], telemetry: 'yes' as any }));
    expect(badFlag.message).to.contain('telemetry must be true, false or { tracer?, meter?, captureContent? }, got "yes".');
    expect(server.requests).to.have.length(0);
  });
});

describe('telemetry: retried requests and paused runs', () => {
  let server: ScriptedChatServer;
  let sdk: OtelSdk;
  beforeEach(() => {
    sdk = new OtelSdk();
  });
  afterEach(async () => {
    await server?.close({ force: true });
    await sdk.shutdown();
  });

  it('gives each attempt of a retried request its own chat span: the failed one ERROR, the answer OK, both under the run', async () => {
    server = await ScriptedChatServer.start({ script: [reply.httpError(503), reply.text('second time lucky')] });
    const result = await streamUntilUserInput({
      client: server.client(),
      model: 'm',
      messages: [user('hi')],
      retry: { attempts: 1, backoffMs: 1 },
      telemetry: sdk.options(),
    });
    expect(result.finalContent).to.equal('second time lucky');
    const chats = sdk.exporter.getFinishedSpans().filter((span) => span.name === 'chat m');
    expect(chats.map((span) => span.status.code)).to.deep.equal([SpanStatusCode.ERROR, SpanStatusCode.UNSET]);
    expect(chats[0]!.attributes[ATTR_ERROR_TYPE]).to.equal('InternalServerError');
    for (const chat of chats) expect(parentId(chat)).to.equal(spanId(sdk.span('invoke_agent')));
    expect(sdk.span('invoke_agent').status.code).to.not.equal(SpanStatusCode.ERROR);
  });

  it('a run interrupted for approval ends its run span without an error; the approval-free tool has its span', async () => {
    const lookup = new FunctionTool({ name: 'lookup', execute: () => 'found' });
    const refund = new FunctionTool({ name: 'refund', needsApproval: true, execute: () => 'refunded' });
    server = await ScriptedChatServer.start({ script: [reply.toolCalls([toolCall('lookup', {}), toolCall('refund', {})])] });
    const result = await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], tools: [lookup, refund], telemetry: sdk.options() });
    expect(result.interrupted).to.equal(true);
    expect(sdk.span('invoke_agent').status.code).to.not.equal(SpanStatusCode.ERROR);
    expect(sdk.exporter.getFinishedSpans().map((span) => span.name).filter((name) => name.startsWith('execute_tool'))).to.deep.equal(['execute_tool lookup']);
  });
});
