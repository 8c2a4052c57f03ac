import { createRequire } from 'node:module';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CreateMessageResultSchema, ElicitResultSchema, type ElicitRequestFormParams } from '@modelcontextprotocol/sdk/types.js';
import { expect } from 'chai';
import { streamUntilUserInput, TOOL_SOURCE, type ToolCall } from 'chat-cmpl-stream-handler';
import { McpConfigurationError, McpToolset, type McpUrlServerConfig } from 'chat-cmpl-stream-handler/mcp';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { z } from 'zod';
import { rejectionOf, sleep, user } from '../support/helpers.js';
import { startStreamableHttpServer, type HttpMcpServer } from './fixtures/http-servers.js';
import { connectInMemory } from './fixtures/in-memory.js';

const EVERYTHING_SERVER = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/dist/index.js');
const model = 'gpt-4.1-nano';

const PROFILE_SCHEMA: ElicitRequestFormParams['requestedSchema'] = {
  type: 'object',
  properties: {
    name: { type: 'string', description: 'Your name' },
    age: { type: 'integer', default: 30 },
    newsletter: { type: 'boolean', default: true },
  },
  required: ['name', 'age', 'newsletter'],
};

/**
 * Tools that use the client's capabilities the way servers do: `profile` elicits on the call's own
 * stream (related request), `profile_later` through the server object (the standalone stream),
 * `summarize` samples, `roots` lists roots, `capabilities` tells what the client declared.
 */
function createAssistantServer(): McpServer {
  const server = new McpServer({ name: 'assistant', version: '1.0.0' });
  const profileRequest = { method: 'elicitation/create' as const, params: { mode: 'form' as const, message: 'Your profile?', requestedSchema: PROFILE_SCHEMA } };
  server.registerTool('profile', { description: 'Asks the user for their profile' }, async (extra) => ({
    content: [{ type: 'text', text: JSON.stringify(await extra.sendRequest(profileRequest, ElicitResultSchema)) }],
  }));
  server.registerTool('profile_later', { description: 'Asks through the server object' }, async () => ({
    content: [{ type: 'text', text: JSON.stringify(await server.server.elicitInput(profileRequest.params)) }],
  }));
  server.registerTool('summarize', { description: 'Summarizes with the client model', inputSchema: { text: z.string() } }, async ({ text }, extra) => {
    const sampled = await extra.sendRequest(
      {
        method: 'sampling/createMessage',
        params: { systemPrompt: 'Be brief.', maxTokens: 50, messages: [{ role: 'user', content: { type: 'text', text: `Summarize: ${text}` } }] },
      },
      CreateMessageResultSchema,
    );
    const content = sampled.content as { type: string; text?: string };
    return { content: [{ type: 'text', text: `${content.text} (${sampled.model}, ${sampled.stopReason})` }] };
  });
  server.registerTool('roots', { description: 'Lists the client roots' }, async () => ({
    content: [{ type: 'text', text: JSON.stringify((await server.server.listRoots()).roots) }],
  }));
  server.registerTool('capabilities', { description: 'The client capabilities' }, async () => ({
    content: [{ type: 'text', text: JSON.stringify(server.server.getClientCapabilities() ?? null) }],
  }));
  return server;
}

const callOf = (name: string, args: object = {}): ToolCall => ({ id: `call_${name}`, type: 'function', function: { name, arguments: JSON.stringify(args) } });

describe('mcp: client capabilities (elicitation, sampling, roots)', () => {
  let server: HttpMcpServer;
  let toolset: McpToolset | undefined;
  let chat: ScriptedChatServer | undefined;
  const connect = async (options: Omit<McpUrlServerConfig, 'url'> = {}) => {
    toolset = await McpToolset.connect({ url: `${server.url}/mcp`, ...options });
    return toolset;
  };
  const invoke = async (name: string, context?: unknown, args: object = {}) => {
    const tool = toolset!.tools.find((candidate) => candidate.mcpName === name)!;
    return (await tool.invoke(callOf(tool.schema.function.name, args), context)).content;
  };
  beforeEach(async () => {
    server = await startStreamableHttpServer(createAssistantServer);
  });
  afterEach(async () => {
    await toolset?.close();
    toolset = undefined;
    await chat?.close();
    chat = undefined;
    await server.close();
  });

  it('declares no capability unless its option is given', async () => {
    await connect();
    expect(JSON.parse(await invoke('capabilities'))).to.deep.equal({});
    await toolset!.close();
    await connect({ onElicitation: () => ({ action: 'cancel' }), onSampling: () => ({ role: 'assistant', content: { type: 'text', text: '' }, model }), roots: [] });
    expect(JSON.parse(await invoke('capabilities'))).to.deep.equal({ elicitation: { form: { applyDefaults: true } }, sampling: {}, roots: {} });
  });

  it("answers a form elicitation with the run's context, filling in the schema's defaults (SEP-1034)", async () => {
    const seen: { message: string; context: unknown }[] = [];
    await connect({
      label: 'assistant',
      onElicitation: (params, context) => {
        seen.push({ message: params.message, context });
        return { action: 'accept', content: { name: 'Ada' } };
      },
    });
    chat = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('assistant__profile', {})), reply.text('Thanks, Ada.')] });
    const result = await streamUntilUserInput({ client: chat.client(), model, messages: [user('set up my profile')], tools: [toolset!], context: { userId: 'u-7' } });

    expect(seen).to.deep.equal([{ message: 'Your profile?', context: { userId: 'u-7' } }]);
    const toolMessage = result.messages.find((message) => message.role === 'tool');
    expect(JSON.parse(toolMessage!.content as string)).to.deep.equal({ action: 'accept', content: { name: 'Ada', age: 30, newsletter: true } });
  });

  it('tells concurrent calls apart: each elicitation reaches the context of the call it belongs to', async () => {
    await connect({
      onElicitation: async (_params, context) => {
        await sleep(20);
        return { action: 'accept', content: { name: (context as { user: string }).user } };
      },
    });
    const [alice, bob] = await Promise.all([invoke('profile', { user: 'alice' }), invoke('profile', { user: 'bob' })]);
    expect(JSON.parse(alice).content.name).to.equal('alice');
    expect(JSON.parse(bob).content.name).to.equal('bob');
  });

  it('gives a request that the server sends outside the call stream the context of the only call in flight', async () => {
    await connect({ onElicitation: (_params, context) => ({ action: 'accept', content: { name: String((context as { user: string }).user) } }) });
    expect(JSON.parse(await invoke('profile_later', { user: 'carol' })).content).to.deep.equal({ name: 'carol', age: 30, newsletter: true });
  });

  it('answers sampling with the given OpenAI client and model (a non-streaming Chat Completions request)', async () => {
    chat = await ScriptedChatServer.start({
      script: [
        reply.toolCalls(toolCall('assistant__summarize', { text: 'a long report about tides' })),
        reply.text('Tides rise and fall.'), // the sampling request
        reply.text('Here is the summary.'),
      ],
    });
    await connect({ label: 'assistant', onSampling: { client: chat.client(), model: 'gpt-4.1-mini' } });
    const result = await streamUntilUserInput({ client: chat.client(), model, messages: [user('summarize it')], tools: [toolset!] });

    const sampling = chat.requests[1]!.body;
    expect(sampling).to.deep.include({ model: 'gpt-4.1-mini', max_completion_tokens: 50 });
    expect(sampling.stream ?? false).to.equal(false);
    expect(sampling.messages).to.deep.equal([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Summarize: a long report about tides' },
    ]);
    expect(result.messages.find((message) => message.role === 'tool')!.content).to.equal('Tides rise and fall. (gpt-4.1-mini, endTurn)');
    expect(result.finalContent).to.equal('Here is the summary.');
  });

  it('hands a sampling function the params and the context of the call', async () => {
    const contexts: unknown[] = [];
    await connect({
      onSampling: (params, context) => {
        contexts.push(context);
        const first = params.messages[0]!.content as { text: string };
        return { role: 'assistant', content: { type: 'text', text: first.text.toUpperCase() }, model: 'local' };
      },
    });
    expect(await invoke('summarize', { tenant: 't1' }, { text: 'hi' })).to.equal('SUMMARIZE: HI (local, undefined)');
    expect(contexts).to.deep.equal([{ tenant: 't1' }]);
  });

  it('lists roots, given as a list or as a function of the context', async () => {
    await connect({ roots: [{ uri: 'file:///srv/repo', name: 'repo' }] });
    expect(JSON.parse(await invoke('roots'))).to.deep.equal([{ uri: 'file:///srv/repo', name: 'repo' }]);
    await toolset!.close();
    await connect({ roots: (context) => [{ uri: `file:///home/${(context as { user: string }).user}` }] });
    expect(JSON.parse(await invoke('roots', { user: 'dana' }))).to.deep.equal([{ uri: 'file:///home/dana' }]);
  });

  it('rejects malformed capability options, and capability options on a { client } config', async () => {
    const bad = await rejectionOf(McpToolset.connect({ url: `${server.url}/mcp`, onSampling: { model: 'x' } as never, roots: [{ path: '/' }] as never }));
    expect(bad).to.be.instanceOf(McpConfigurationError);
    expect(bad.message).to.contain('onSampling must be a function').and.contain('roots must be an array of { uri');
    const client = await connectInMemory(createAssistantServer());
    try {
      const error = await rejectionOf(McpToolset.connect({ client, onElicitation: () => ({ action: 'cancel' }) } as never));
      expect(error.message).to.contain('"onElicitation" is not an option of client servers (declare it on the Client you pass');
    } finally {
      await client.close();
    }
  });
});

describe('mcp: server-everything with the client capabilities declared', () => {
  it('lists 16 tools (15 offered: one can only run as a task) where it offered 12 without them', async () => {
    const [plain, capable] = await Promise.all([
      McpToolset.connect({ command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'] }),
      McpToolset.connect({
        command: process.execPath,
        args: [EVERYTHING_SERVER, 'stdio'],
        onElicitation: () => ({ action: 'decline' }),
        onSampling: () => ({ role: 'assistant', content: { type: 'text', text: 'ok' }, model }),
        roots: [{ uri: 'file:///tmp', name: 'tmp' }],
      }),
    ]);
    try {
      // The server registers the extra tools once it has seen the capabilities, then announces list_changed.
      let offered = await capable[TOOL_SOURCE]();
      for (let i = 0; offered.length < 15 && i < 100; i++) {
        await sleep(20);
        offered = await capable[TOOL_SOURCE]();
      }
      expect(plain.tools).to.have.length(12);
      expect((await capable.client.listTools()).tools).to.have.length(16);
      expect(offered.map((tool) => tool.schema.function.name)).to.include.members(['trigger-elicitation-request', 'trigger-sampling-request', 'get-roots-list']);
      expect(offered).to.have.length(15);
    } finally {
      await Promise.all([plain.close(), capable.close()]);
    }
  });
});
