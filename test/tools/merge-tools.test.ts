import { expect } from 'chai';
import {
  Agent,
  argsFromToolCall,
  streamUntilUserInput,
  TOOL_SOURCE,
  TOOL_SOURCE_DYNAMIC,
  FunctionTool,
  mergeToolsAndInvokers,
  ToolArgumentsError,
  ToolConfigurationError,
  ToolResult,
} from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { rejectionOf } from '../support/helpers.js';

const schema = (name: string, description = name) => ({
  type: 'function' as const,
  function: { name, description, parameters: { type: 'object', properties: {} } },
});
const call = (name: string, args: string) => ({ id: 'c', type: 'function' as const, function: { name, arguments: args } });
const invokeOptions = { signal: new AbortController().signal, iteration: 0 };

describe('mergeToolsAndInvokers', () => {
  it("puts params' tools first, lets later schemas of a name win, and explicit invokers override tool objects", async () => {
    const toolA = new FunctionTool({ name: 'a', description: 'from tool object', execute: () => 'tool a' });
    const merged = await mergeToolsAndInvokers({
      paramsTools: [schema('a', 'from params'), schema('b')],
      tools: [toolA, schema('c')],
      toolInvokers: { b: () => 'invoker b', c: () => 'invoker c', a: () => 'explicit a' },
    });
    expect(merged.tools.map((t) => (t as any).function.name)).to.deep.equal(['a', 'b', 'c']);
    expect((merged.tools[0] as any).function.description).to.equal('from tool object');
    expect(await merged.toolInvokers['a']!(call('a', '{}'), undefined, invokeOptions)).to.equal('explicit a');
    expect(await merged.toolInvokers['b']!(call('b', '{}'), undefined, invokeOptions)).to.equal('invoker b');
  });

  it('names every schema that has no invoker', async () => {
    const error = await rejectionOf(mergeToolsAndInvokers({ paramsTools: [schema('x'), schema('y')], toolInvokers: { y: () => 'ok' } }));
    expect(error).to.be.instanceOf(ToolConfigurationError);
    expect(error.message).to.equal(
      'No invoker for tool "x": add it to toolInvokers, pass a Tool object (e.g. FunctionTool) instead of a bare schema, or set fallbackInvoker.',
    );
  });

  it('accepts schemas without invokers when a fallback invoker resolves names at call time', async () => {
    const merged = await mergeToolsAndInvokers({ paramsTools: [schema('x')], hasFallbackInvoker: true });
    expect(merged.tools).to.have.length(1);
    expect(merged.toolInvokers).to.deep.equal({});
  });

  it('says what a wrong entry is', async () => {
    class NotATool {}
    const error = await rejectionOf(mergeToolsAndInvokers({ tools: [new NotATool()] }));
    expect(error).to.be.instanceOf(ToolConfigurationError);
    expect(error.message).to.contain('tools[0] is an instance of NotATool, which is not a tool');
  });

  it('applies a Tool timeout to the merged invoker', async () => {
    const slow = new FunctionTool({ name: 'slow', timeout: 20, execute: () => new Promise((r) => setTimeout(() => r('late'), 500)) });
    const merged = await mergeToolsAndInvokers({ tools: [slow] });
    const error = await rejectionOf(Promise.resolve(merged.toolInvokers['slow']!(call('slow', '{}'), undefined, invokeOptions)));
    expect(error.name).to.equal('ToolTimeoutError');
  });
});

describe('argsFromToolCall and FunctionTool', () => {
  it('parses JSON arguments and treats an empty string as no arguments', () => {
    expect(argsFromToolCall(call('f', '{"a":[1,2]}'))).to.deep.equal({ a: [1, 2] });
    expect(argsFromToolCall(call('f', ''))).to.deep.equal({});
  });

  it('throws ToolArgumentsError naming the tool for invalid JSON', () => {
    expect(() => argsFromToolCall(call('get_weather', '{"city": Tok'))).to.throw(ToolArgumentsError, /Invalid arguments for tool "get_weather":\n- \(arguments\): not valid JSON/);
  });

  it('serialises non-string results and keeps ToolResult as is', async () => {
    const json = new FunctionTool({ name: 'json', execute: () => ({ temp: 21, unit: 'c' }) });
    const result = new FunctionTool({ name: 'res', execute: () => new ToolResult('text', { raw: true }) });
    expect(await json.invoke(call('json', '{}'), undefined, invokeOptions)).to.deep.include({ content: '{"temp":21,"unit":"c"}' });
    expect((await result.invoke(call('res', '{}'), undefined, invokeOptions)).metadata).to.deep.equal({ raw: true });
  });

  it('rejects invalid names with a message that says what is allowed', () => {
    expect(() => new FunctionTool({ name: 'get weather!', execute: () => '' })).to.throw(ToolConfigurationError, /1-64 characters from a-z, A-Z, 0-9, "_" and "-"/);
  });

  it('rejects a ToolResult whose content is not a string', () => {
    expect(() => new ToolResult({ a: 1 } as any)).to.throw(TypeError, /must be a string/);
  });
});

describe('mergeToolsAndInvokers with tool objects of one name', () => {
  it('refuses two tool objects with one name, naming both owners', async () => {
    const first = { ...new FunctionTool({ name: 'search', execute: () => '' }), owner: 'DocsTools.search' };
    const second = { ...new FunctionTool({ name: 'search', execute: () => '' }), owner: 'mcp server "web"' };
    const error = await rejectionOf(mergeToolsAndInvokers({ tools: [first, second] }));
    expect(error).to.be.instanceOf(ToolConfigurationError);
    expect(error.message).to.equal(
      'Two tools are named "search": DocsTools.search and mcp server "web". Rename one (@Tool({ name }), a @Toolset prefix, or an MCP label).',
    );
  });
});

describe('tool sources: static lists are merged once, dynamic ones before every request', () => {
  let server: ScriptedChatServer;
  afterEach(async () => server?.close({ force: true }));

  const countingSource = (dynamic: boolean | undefined) => {
    const source = {
      listed: 0,
      [TOOL_SOURCE]() {
        source.listed++;
        return [new FunctionTool({ name: 'ping', execute: () => 'pong' })];
      },
      ...(dynamic === undefined ? {} : { [TOOL_SOURCE_DYNAMIC]: dynamic }),
    };
    return source;
  };
  const twoRequests = () => [reply.toolCalls(toolCall('ping', {})), reply.text('done')];

  it('lists a source that says its tools never change once per Agent, however many runs and requests', async () => {
    server = await ScriptedChatServer.start({ script: [...twoRequests(), ...twoRequests()] });
    const source = countingSource(false);
    const agent = new Agent({ client: server.client(), model: 'm', toolsets: [source] });
    await agent.run('a');
    await agent.run('b');
    expect(server.requests).to.have.length(4);
    expect(source.listed).to.equal(1);
  });

  it('lists any other source before every request, through an Agent and the function API', async () => {
    server = await ScriptedChatServer.start({ script: [...twoRequests(), ...twoRequests()] });
    const forAgent = countingSource(undefined);
    await new Agent({ client: server.client(), model: 'm', toolsets: [forAgent] }).run('a');
    expect(forAgent.listed).to.be.at.least(2);
    const listedByAgent = forAgent.listed;
    await new Agent({ client: server.client(), model: 'm', toolsets: [forAgent] }).run('b');
    expect(forAgent.listed - listedByAgent).to.be.at.least(2);
    const forRun = countingSource(true);
    server.enqueue(...twoRequests());
    await streamUntilUserInput({ client: server.client(), model: 'm', messages: [{ role: 'user', content: 'c' }], tools: [forRun] });
    expect(forRun.listed).to.be.at.least(2);
  });
});
