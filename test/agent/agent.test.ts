import { expect } from 'chai';
import { IsString } from 'class-validator';
import {
  Agent,
  ChatCompletionStreamHandler,
  Tool as ToolMethod,
  Toolset,
  FunctionTool,
  TOOL_SOURCE,
  ToolConfigurationError,
  type RunInfo,
  type Tool,
  type ToolCallStartedEvent,
} from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall, type RecordedRequest } from 'chat-cmpl-stream-handler/testing';
import { collect, rejectionOf, sleep } from '../support/helpers.js';

const whoami = new FunctionTool<{ delayMs: number }, { userId: string }>({
  name: 'whoami',
  execute: async ({ delayMs }, context) => {
    await sleep(delayMs);
    return `user ${context.userId}`;
  },
});

/** Answers a user turn with a whoami call and a tool turn with what the tool said. */
function whoamiConversation(delayMs: number) {
  return reply.dynamic((request: RecordedRequest) => {
    const last = request.body.messages.at(-1);
    return last.role === 'tool' ? reply.text(`You are ${last.content}.`) : reply.toolCalls(toolCall('whoami', { delayMs }));
  });
}

describe('Agent', () => {
  let server: ScriptedChatServer;
  afterEach(async () => server?.close({ force: true }));

  it('sends instructions as the system message and a string input as the user message', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('Hello!')] });
    const agent = new Agent({ client: server.client(), model: 'gpt-4.1-nano', instructions: 'Be brief.', params: { temperature: 0 } });
    const result = await agent.run('Hi');
    expect(server.requests[0]!.body.messages).to.deep.equal([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ]);
    expect(server.requests[0]!.body.temperature).to.equal(0);
    expect(server.requests[0]!.body).to.not.have.property('tools');
    expect(result.finalContent).to.equal('Hello!');
  });

  it('computes instructions from the run context', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('ok')] });
    const agent = new Agent<{ locale: string }>({ client: server.client(), model: 'm', instructions: (ctx) => `Answer in ${ctx.locale}.` });
    await agent.run([{ role: 'user', content: 'Bonjour' }], { context: { locale: 'French' } });
    expect(server.requests[0]!.body.messages[0]).to.deep.equal({ role: 'system', content: 'Answer in French.' });
  });

  it('reports instructions that throw as a failed run, with run.failed and the onRunFailed hooks', async () => {
    server = await ScriptedChatServer.start({ script: [] });
    const failures: unknown[] = [];
    const agent = new Agent<{ locale?: string }>({
      client: server.client(),
      model: 'm',
      instructions: (ctx) => {
        if (!ctx.locale) throw new Error('no locale in context');
        return `Answer in ${ctx.locale}.`;
      },
      handlers: [{ onRunFailed: (e: { error: unknown }) => void failures.push(e.error) }],
    });
    const events = await collect(agent.stream('hi', { context: {} }));
    expect(events.map((e) => e.type)).to.deep.equal(['run.failed']);
    expect((events[0] as any).error.message).to.equal('no locale in context');
    expect(failures).to.have.length(1);
    const error = await rejectionOf(agent.run('hi', { context: {} }));
    expect(error.message).to.equal('no locale in context');
    expect(error.messages).to.deep.equal([]);
    expect(server.requests).to.have.length(0);
  });

  it('mixes tool objects, raw schemas with invokers and tool sources', async () => {
    server = await ScriptedChatServer.start({
      script: [reply.toolCalls([toolCall('a', {}), toolCall('b', {}), toolCall('c', {})]), reply.text('done')],
    });
    const source = { [TOOL_SOURCE]: async (): Promise<Tool[]> => [new FunctionTool({ name: 'c', execute: () => 'from source' })] };
    const agent = new Agent({
      client: server.client(),
      model: 'm',
      toolsets: [source],
      tools: [new FunctionTool({ name: 'a', execute: () => 'from tool' }), { type: 'function', function: { name: 'b', parameters: { type: 'object', properties: {} } } }],
      toolInvokers: { b: () => 'from invoker' },
    });
    const result = await agent.run('go');
    expect(server.requests[0]!.body.tools.map((t: any) => t.function.name)).to.deep.equal(['c', 'a', 'b']);
    expect(result.messages.filter((m) => m.role === 'tool').map((m) => m.content)).to.deep.equal(['from tool', 'from invoker', 'from source']);
  });

  it('refuses two tools with one name at construction, naming both owners', () => {
    const first = new FunctionTool({ name: 'search', execute: () => '' });
    const second = { type: 'function' as const, function: { name: 'search', parameters: {} } };
    const build = () => new Agent({ client: {} as any, model: 'm', tools: [first, second], toolInvokers: { search: () => '' } });
    expect(build).to.throw(ToolConfigurationError, /Two tools are named "search": tools\[0\] \(FunctionTool "search"\) and tools\[1\] \(schema "search"\)/);
  });

  it('refuses two @Toolset classes offering one tool name, naming both methods', () => {
    class Lookup {
      @IsString() query!: string;
    }
    @Toolset()
    class DocsTools {
      @ToolMethod({ description: 'Search the docs' }) async search(_args: Lookup) {
        return 'docs';
      }
    }
    @Toolset()
    class WebTools {
      @ToolMethod({ name: 'search', description: 'Search the web' }) async searchWeb(_args: Lookup) {
        return 'web';
      }
    }
    const build = () => new Agent({ client: {} as any, model: 'm', toolsets: [new DocsTools(), new WebTools()] });
    expect(build).to.throw(ToolConfigurationError, /Two tools are named "search": DocsTools\.search and WebTools\.searchWeb/);
    // a prefix separates them
    @Toolset({ prefix: 'web' })
    class PrefixedWebTools extends WebTools {}
    expect(() => new Agent({ client: {} as any, model: 'm', toolsets: [new DocsTools(), new PrefixedWebTools()] })).to.not.throw();
  });

  it('refuses duplicates that appear later in a dynamic tool source, before the request', async () => {
    server = await ScriptedChatServer.start({ script: [] });
    let tools: Tool[] = [];
    const source = { [TOOL_SOURCE]: () => tools };
    const agent = new Agent({ client: server.client(), model: 'm', toolsets: [source], tools: [new FunctionTool({ name: 'x', execute: () => '' })] });
    tools = [{ ...new FunctionTool({ name: 'x', execute: () => '' }), owner: 'mcp server "late"' } as Tool];
    const error = await rejectionOf(agent.run('hi'));
    expect(error).to.be.instanceOf(ToolConfigurationError);
    expect(error.message).to.contain('mcp server "late"');
    expect(server.requests).to.have.length(0);
  });

  it('serves concurrent runs with different contexts from one instance', async () => {
    server = await ScriptedChatServer.start({ script: [whoamiConversation(60), whoamiConversation(10), whoamiConversation(0), whoamiConversation(0)] });
    const seen: string[] = [];
    class ContextSpy extends ChatCompletionStreamHandler<{ userId: string }> {
      override async onToolCallStarted(_e: ToolCallStartedEvent, run: RunInfo<{ userId: string }>) {
        seen.push(run.context.userId);
      }
    }
    const agent = new Agent<{ userId: string }>({ client: server.client(), model: 'm', tools: [whoami], handlers: [new ContextSpy()] });
    const [alice, bob] = await Promise.all([agent.run('who am I?', { context: { userId: 'alice' } }), agent.run('who am I?', { context: { userId: 'bob' } })]);
    expect(alice.finalContent).to.equal('You are user alice.');
    expect(bob.finalContent).to.equal('You are user bob.');
    expect(alice.messages).to.have.length(4);
    expect(bob.messages).to.have.length(4);
    expect(seen.sort()).to.deep.equal(['alice', 'bob']);
  });

  it('streams lifecycle events with per-run handlers added to the agent handlers', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('streamed text', { chunkSize: 4 })] });
    const order: string[] = [];
    const agentHandler = { onContentDelta: () => void order.push('agent') };
    const runHandler = { onContentDelta: () => void order.push('run') };
    const agent = new Agent({ client: server.client(), model: 'm', handlers: [agentHandler] });
    const events = await collect(agent.stream('hi', { handlers: [runHandler] }));
    const text = events.flatMap((e) => (e.type === 'stream.event' && e.event.type === 'content.delta' ? [e.event.delta] : [])).join('');
    expect(text).to.equal('streamed text');
    expect(order.slice(0, 4)).to.deep.equal(['agent', 'run', 'agent', 'run']);
    expect(events.at(-1)!.type).to.equal('run.completed');
  });
});
