import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { expect } from 'chai';
import {
  Agent,
  ChatCompletionStreamHandler,
  FunctionTool,
  OnToolCallProgress,
  streamUntilUserInputEvents,
  ToolTimeoutError,
  type LifecycleEvent,
  type RunInfo,
  type ToolCallProgressEvent,
} from 'chat-cmpl-stream-handler';
import { McpToolset, type McpUrlServerConfig } from 'chat-cmpl-stream-handler/mcp';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { z } from 'zod';
import { collect, sleep, user } from '../support/helpers.js';
import { startStreamableHttpServer, type HttpMcpServer } from './fixtures/http-servers.js';

/** crunch works in `steps` steps of `ms` milliseconds, reporting progress after each and logging once halfway. */
function createWorkerServer(): McpServer {
  const server = new McpServer({ name: 'worker', version: '1.0.0' }, { capabilities: { logging: {} } });
  server.registerTool('crunch', { description: 'Long work', inputSchema: { steps: z.number().int(), ms: z.number() } }, async ({ steps, ms }, extra) => {
    const progressToken = extra._meta?.progressToken;
    for (let step = 1; step <= steps; step++) {
      await sleep(ms);
      if (progressToken !== undefined) {
        await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: step, total: steps, message: `step ${step}` } });
      }
      if (step === Math.ceil(steps / 2)) await extra.sendNotification({ method: 'notifications/message', params: { level: 'info', logger: 'crunch', data: 'halfway' } });
    }
    return { content: [{ type: 'text', text: `crunched in ${steps} steps` }] };
  });
  return server;
}

const progressOf = (events: readonly LifecycleEvent[]) =>
  events.filter((event): event is ToolCallProgressEvent => event.type === 'tool_call.progress').map(({ progress, total, message }) => ({ progress, total, message }));

describe('mcp: progress and log notifications become tool_call.progress', () => {
  let server: HttpMcpServer;
  let chat: ScriptedChatServer | undefined;
  let toolset: McpToolset | undefined;
  const connect = async (options: Omit<McpUrlServerConfig, 'url'> = {}) => (toolset = await McpToolset.connect({ url: `${server.url}/mcp`, label: 'worker', ...options }));
  const crunchRun = async (args: { steps: number; ms: number }) => {
    chat = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('worker__crunch', args, { id: 'call_crunch' })), reply.text('done')] });
    return collect(streamUntilUserInputEvents({ client: chat.client(), model: 'gpt-4.1-nano', messages: [user('crunch')], tools: [toolset!] }));
  };
  beforeEach(async () => {
    server = await startStreamableHttpServer(createWorkerServer);
  });
  afterEach(async () => {
    await toolset?.close();
    toolset = undefined;
    await chat?.close();
    chat = undefined;
    await server.close();
  });

  it('yields each progress report, and the log line sent during the call, between tool_call.started and tool_call.completed', async () => {
    await connect();
    const events = await crunchRun({ steps: 3, ms: 5 });
    const types = events.map((event) => event.type).filter((type) => type.startsWith('tool_call.'));
    expect(types).to.deep.equal(['tool_call.started', 'tool_call.progress', 'tool_call.progress', 'tool_call.progress', 'tool_call.progress', 'tool_call.completed']);
    expect(progressOf(events)).to.deep.equal([
      { progress: 1, total: 3, message: 'step 1' },
      { progress: 2, total: 3, message: 'step 2' },
      { progress: 2, total: 3, message: 'crunch: halfway' },
      { progress: 3, total: 3, message: 'step 3' },
    ]);
    const first = events.find((event) => event.type === 'tool_call.progress') as ToolCallProgressEvent;
    expect(first.iteration).to.equal(0);
    expect(first.toolCall.id).to.equal('call_crunch');
  });

  it('reaches @OnToolCallProgress() methods and onToolCallProgress of a handler class, through an Agent', async () => {
    const seen: string[] = [];
    class Decorated {
      @OnToolCallProgress()
      progress(event: ToolCallProgressEvent, run: RunInfo<{ user: string }>) {
        seen.push(`decorated ${event.progress}/${event.total} for ${run.context.user}`);
      }
    }
    class Handler extends ChatCompletionStreamHandler {
      override async onToolCallProgress(event: ToolCallProgressEvent) {
        seen.push(`handler ${event.message}`);
      }
    }
    await connect();
    chat = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('worker__crunch', { steps: 2, ms: 1 })), reply.text('done')] });
    const agent = new Agent<{ user: string }>({ client: chat.client(), model: 'gpt-4.1-nano', toolsets: [toolset!], handlers: [new Decorated(), new Handler()] });
    await agent.run('crunch', { context: { user: 'ann' } });
    expect(seen).to.deep.equal([
      'decorated 1/2 for ann',
      'handler step 1',
      'decorated 1/2 for ann',
      'handler crunch: halfway',
      'decorated 2/2 for ann',
      'handler step 2',
    ]);
  });

  it('lets a call that keeps reporting progress outlive its timeout (each report restarts it)', async () => {
    await connect({ timeout: 250 });
    const events = await crunchRun({ steps: 8, ms: 60 });
    expect(events.some((event) => event.type === 'tool_call.completed')).to.equal(true);
    expect(progressOf(events).filter((update) => update.message?.startsWith('step'))).to.have.length(8);
  });

  it('keeps the timeout a hard limit with resetTimeoutOnProgress: false', async () => {
    await connect({ timeout: 250, resetTimeoutOnProgress: false });
    const events = await crunchRun({ steps: 8, ms: 60 });
    const failed = events.find((event) => event.type === 'tool_call.failed');
    expect(failed?.type === 'tool_call.failed' && failed.error).to.be.instanceOf(ToolTimeoutError).and.include({ timeoutMs: 250 });
  });

  it('stops a call at maxTotalTimeout however much progress it reports', async () => {
    await connect({ timeout: 250, maxTotalTimeout: 300 });
    const events = await crunchRun({ steps: 8, ms: 60 });
    const failed = events.find((event) => event.type === 'tool_call.failed');
    expect(failed?.type === 'tool_call.failed' && failed.error).to.be.instanceOf(ToolTimeoutError).and.include({ timeoutMs: 300 });
  });
});

describe('engine: reportProgress for any tool', () => {
  it('turns the reports of a FunctionTool into tool_call.progress, and drops those made after the call settled', async () => {
    let late: (() => void) | undefined;
    const convert = new FunctionTool({
      name: 'convert',
      execute: async (_args, _context, { reportProgress }) => {
        reportProgress?.({ progress: 1, total: 2 });
        reportProgress?.({ progress: 2, total: 2, message: 'done' });
        late = () => reportProgress?.({ progress: 3 });
        return 'converted';
      },
    });
    // Runs next to convert in the same batch and reports for it once convert has returned.
    const meddle = new FunctionTool({
      name: 'meddle',
      execute: async () => {
        await sleep(30);
        late?.();
        return 'meddled';
      },
    });
    const chat = await ScriptedChatServer.start({ script: [reply.toolCalls([toolCall('convert', {}), toolCall('meddle', {})]), reply.text('ok')] });
    try {
      const events = await collect(streamUntilUserInputEvents({ client: chat.client(), model: 'gpt-4.1-nano', messages: [user('convert')], tools: [convert, meddle] }));
      expect(late).to.be.a('function');
      expect(progressOf(events)).to.deep.equal([
        { progress: 1, total: 2, message: undefined },
        { progress: 2, total: 2, message: 'done' },
      ]);
      expect(events.find((event) => event.type === 'tool_call.progress')).not.to.have.property('message');
    } finally {
      await chat.close();
    }
  });
});
