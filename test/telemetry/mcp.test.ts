import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_GEN_AI_TOOL_NAME } from '@opentelemetry/semantic-conventions/incubating';
import { expect } from 'chai';
import { Agent } from 'chat-cmpl-stream-handler';
import { McpToolset } from 'chat-cmpl-stream-handler/mcp';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { createDemoServer } from '../mcp/fixtures/demo-server.js';
import { startStreamableHttpServer, type HttpMcpServer } from '../mcp/fixtures/http-servers.js';
import { OtelSdk, parentId, spanId } from './fixtures/otel.js';

describe('telemetry: MCP tools', () => {
  let chat: ScriptedChatServer;
  let mcp: HttpMcpServer;
  let toolset: McpToolset | undefined;
  let sdk: OtelSdk;
  afterEach(async () => {
    await toolset?.close();
    await mcp?.close();
    await chat?.close({ force: true });
    await sdk?.shutdown();
  });

  it('an MCP tool call is an execute_tool span, and the MCP client’s HTTP requests made for it nest under it', async () => {
    sdk = new OtelSdk();
    mcp = await startStreamableHttpServer(() => createDemoServer());
    // What HTTP client instrumentation does for each request: a CLIENT span under the active context.
    const tracedFetch = async (url: string | URL, init?: RequestInit): Promise<Response> => {
      const method = typeof init?.body === 'string' ? (JSON.parse(init.body) as { method?: string }).method : undefined;
      return sdk.tracer.startActiveSpan(`POST mcp ${method ?? init?.method ?? 'GET'}`, { kind: SpanKind.CLIENT }, async (span) => {
        try {
          return await fetch(url, init);
        } finally {
          span.end();
        }
      });
    };
    toolset = await McpToolset.connect({ url: `${mcp.url}/mcp`, label: 'demo', fetch: tracedFetch });
    chat = await ScriptedChatServer.start({
      script: [reply.toolCalls([toolCall('demo__echo', { text: 'hello', times: 2 }), toolCall('demo__fail', {})]), reply.text('It said hello hello.')],
    });
    const agent = new Agent({ client: chat.client(), model: 'm', toolsets: [toolset], name: 'mcp-agent', telemetry: sdk.options() });

    const result = await agent.run('Echo hello twice');
    expect(result.finalContent).to.equal('It said hello hello.');
    const run = sdk.span('invoke_agent mcp-agent');
    const echo = sdk.span('execute_tool demo__echo');
    const failing = sdk.span('execute_tool demo__fail');
    expect(parentId(echo)).to.equal(spanId(run));
    expect(echo.attributes[ATTR_GEN_AI_TOOL_NAME]).to.equal('demo__echo');
    expect(echo.status.code).to.equal(SpanStatusCode.UNSET);
    expect(failing.status.code).to.equal(SpanStatusCode.ERROR);
    expect(failing.attributes[ATTR_ERROR_TYPE]).to.equal('ToolReportedError');

    const toolCalls = sdk.spans().filter((span) => span.name === 'POST mcp tools/call');
    expect(toolCalls).to.have.length(2);
    expect(toolCalls.map(parentId).sort()).to.deep.equal([spanId(echo), spanId(failing)].sort());
    // Connecting happened before the run: those requests have no GenAI parent.
    expect(parentId(sdk.spans().find((span) => span.name === 'POST mcp initialize')!)).to.equal(undefined);
    expect(trace.getActiveSpan()).to.equal(undefined);
  });
});
