import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { expect } from 'chai';
import { RunAbortedError, streamUntilUserInput, streamUntilUserInputEvents, ToolTimeoutError, type LifecycleEvent } from 'chat-cmpl-stream-handler';
import { McpToolCallError, McpToolset } from 'chat-cmpl-stream-handler/mcp';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { toStrictJsonSchema } from 'openai-strict-checker/lib/transform';
import { collect, rejectionOf, sleep, user } from '../support/helpers.js';
import { createDemoServer, newDemoLog, type DemoLog } from './fixtures/demo-server.js';
import { connectInMemory } from './fixtures/in-memory.js';

const EVERYTHING_SERVER = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/dist/index.js');
const STDIO_SERVER = fileURLToPath(new URL('./fixtures/stdio-server.js', import.meta.url));
const model = 'gpt-4.1-nano';

/** The messages the model was sent in request `index`. */
const sentMessages = (server: ScriptedChatServer, index: number): any[] => server.requests[index]!.body.messages;
const sentToolNames = (server: ScriptedChatServer, index: number): string[] =>
  (server.requests[index]!.body.tools ?? []).map((tool: any) => tool.function.name);

describe('mcp: toolsets in a run', () => {
  let chat: ScriptedChatServer | undefined;
  const toolsets: McpToolset[] = [];
  const clients: Client[] = [];
  afterEach(async () => {
    await Promise.all(toolsets.splice(0).map((t) => t.close()));
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await chat?.close();
    chat = undefined;
  });
  async function demoToolset(log: DemoLog, options: { label?: string; timeout?: number } = {}): Promise<McpToolset> {
    const client = await connectInMemory(createDemoServer(log));
    clients.push(client);
    const toolset = await McpToolset.connect({ client, label: 'demo', ...options });
    toolsets.push(toolset);
    return toolset;
  }

  it('runs a tool of the reference server-everything over stdio and hands the model its answer', async () => {
    const everything = await McpToolset.connect({ command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'], label: 'everything' });
    toolsets.push(everything);
    expect(everything.tools.map((t) => t.schema.function.name)).to.include.members(['everything__echo', 'everything__get-sum', 'everything__get-tiny-image']);
    for (const tool of everything.tools.filter((t) => t.schema.function.strict)) {
      expect(toStrictJsonSchema(tool.schema.function.parameters as never)).to.deep.equal(tool.schema.function.parameters);
    }

    chat = await ScriptedChatServer.start({
      script: [reply.toolCalls(toolCall('everything__get-sum', { a: 2, b: 3 }, { id: 'call_sum' })), reply.text('2 + 3 = 5.')],
    });
    const result = await streamUntilUserInput({ client: chat.client(), model, messages: [user('What is 2 + 3?')], tools: [everything] });

    expect(result.finalContent).to.equal('2 + 3 = 5.');
    const offered = chat.requests[0]!.body.tools.find((tool: any) => tool.function.name === 'everything__get-sum');
    expect(offered.function).to.deep.include({ strict: true, description: 'Returns the sum of two numbers' });
    expect(sentMessages(chat, 1).at(-1)).to.deep.equal({ role: 'tool', tool_call_id: 'call_sum', content: 'The sum of 2 and 3 is 5.' });
  });

  it("delivers the run's context to the server as _meta.context", async () => {
    const log = newDemoLog();
    const toolset = await demoToolset(log);
    chat = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('demo__whoami', {})), reply.text('ok')] });
    await streamUntilUserInput({ client: chat.client(), model, messages: [user('who am I?')], tools: [toolset], context: { userId: 'u-42', roles: ['admin'] } });
    // Inside a run the call also asks for progress (a progressToken next to the context).
    expect(log.calls[0]!.meta).to.deep.equal({ context: { userId: 'u-42', roles: ['admin'] }, progressToken: log.calls[0]!.meta!['progressToken'] });
    expect(JSON.parse(sentMessages(chat, 1).at(-1).content)).to.deep.equal({ context: { userId: 'u-42', roles: ['admin'] } });
  });

  it('offers a tool the server added mid-run (list_changed) in the very next request', async () => {
    const toolset = await demoToolset(newDemoLog());
    chat = await ScriptedChatServer.start({
      script: [reply.toolCalls(toolCall('demo__add_tool', {})), reply.toolCalls(toolCall('demo__late_tool', {})), reply.text('done')],
    });
    const result = await streamUntilUserInput({ client: chat.client(), model, messages: [user('add and use it')], tools: [toolset] });
    expect(sentToolNames(chat, 0)).not.to.include('demo__late_tool');
    expect(sentToolNames(chat, 1)).to.include('demo__late_tool');
    expect(result.messages.filter((m) => m.role === 'tool').map((m) => m.content)).to.deep.equal(['late_tool added', 'late tool ran']);
  });

  it('reports isError as tool_call.failed while the model gets the tool text', async () => {
    const toolset = await demoToolset(newDemoLog());
    chat = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('demo__fail', {})), reply.text('Sorry, the disk is full.')] });
    const events = await collect(streamUntilUserInputEvents({ client: chat.client(), model, messages: [user('save it')], tools: [toolset] }));
    const failed = events.find((e): e is Extract<LifecycleEvent, { type: 'tool_call.failed' }> => e.type === 'tool_call.failed')!;
    expect(failed.result!.content).to.equal('Disk full');
    expect(failed.result!.metadata['mcp']).to.deep.include({ isError: true });
    expect(sentMessages(chat, 1).at(-1).content).to.equal('Disk full');
    expect(events.at(-1)!.type).to.equal('run.completed');
  });

  it("cancels the in-flight tools/call on the server when the run's signal aborts", async () => {
    const log = newDemoLog();
    const toolset = await demoToolset(log);
    chat = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('demo__slow', { ms: 10_000 }))] });
    const controller = new AbortController();
    const started = Date.now();
    const run = streamUntilUserInput({ client: chat.client(), model, messages: [user('wait')], tools: [toolset], signal: controller.signal });
    while (log.calls.length === 0) await sleep(5);
    controller.abort(new Error('user pressed stop'));
    const error = await rejectionOf(run);
    expect(error).to.be.instanceOf(RunAbortedError);
    expect(Date.now() - started).to.be.lessThan(2_000);
    for (let i = 0; i < 50 && log.cancelled.length === 0; i++) await sleep(10);
    expect(log.cancelled).to.deep.equal(['slow']);
  });

  it('fails a call that exceeds the timeout option with ToolTimeoutError and cancels it on the server', async () => {
    const log = newDemoLog();
    const toolset = await demoToolset(log, { timeout: 100 });
    chat = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('demo__slow', { ms: 5_000 })), reply.text('too slow')] });
    const events = await collect(streamUntilUserInputEvents({ client: chat.client(), model, messages: [user('wait')], tools: [toolset] }));
    const failed = events.find((e): e is Extract<LifecycleEvent, { type: 'tool_call.failed' }> => e.type === 'tool_call.failed')!;
    expect(failed.error).to.be.instanceOf(ToolTimeoutError);
    expect(sentMessages(chat, 1).at(-1).content).to.equal('Error: tool "demo__slow" failed: Tool "demo__slow" timed out after 100 ms.');
    for (let i = 0; i < 50 && log.cancelled.length === 0; i++) await sleep(10);
    expect(log.cancelled).to.deep.equal(['slow']);
  });

  it("goes on under onToolError 'emit' when the server crashes mid-run, and the next call runs on a new process", async () => {
    const toolset = await McpToolset.connect({ command: process.execPath, args: [STDIO_SERVER], label: 'local' });
    toolsets.push(toolset);
    chat = await ScriptedChatServer.start({
      script: [reply.toolCalls(toolCall('local__crash', {})), reply.toolCalls(toolCall('local__echo', { text: 'still here', times: null })), reply.text('recovered')],
    });
    const events = await collect(streamUntilUserInputEvents({ client: chat.client(), model, messages: [user('crash then echo')], tools: [toolset] }));
    const failed = events.find((e): e is Extract<LifecycleEvent, { type: 'tool_call.failed' }> => e.type === 'tool_call.failed')!;
    expect(failed.error).to.be.instanceOf(McpToolCallError);
    expect(sentMessages(chat, 1).at(-1).content)
      .to.match(/^Error: tool "local__crash" failed: The connection to mcp server "local" broke during the call of tool "crash"/)
      .and.contain('fatal: simulated crash in crash tool');
    expect(sentMessages(chat, 2).at(-1).content).to.equal('still here');
    expect(events.at(-1)!.type).to.equal('run.completed');
  });
});
