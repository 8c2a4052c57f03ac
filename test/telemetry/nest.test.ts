import type { TestingModule } from '@nestjs/testing';
import { ATTR_GEN_AI_AGENT_NAME, ATTR_GEN_AI_TOOL_NAME } from '@opentelemetry/semantic-conventions/incubating';
import { expect } from 'chai';
import type { Agent } from 'chat-cmpl-stream-handler';
import { ChatAgents, ChatToolsModule, ChatToolsModuleError, getAgentToken } from 'chat-cmpl-stream-handler/nest';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { startApp, TEST_MODEL } from '../nest/fixtures/harness.js';
import { WarehouseModule, type Caller } from '../nest/fixtures/toolsets.js';
import { OtelSdk, parentId, spanId } from './fixtures/otel.js';

describe('telemetry: NestJS', () => {
  let server: ScriptedChatServer;
  let app: TestingModule | undefined;
  let sdk: OtelSdk;
  beforeEach(async () => {
    server = await ScriptedChatServer.start();
    sdk = new OtelSdk({ global: true });
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await server.close();
    await sdk.shutdown();
  });

  it('ChatToolsModule.forRoot({ telemetry: true }) traces every agent through the app’s global providers', async () => {
    app = await startApp(
      server,
      { imports: [WarehouseModule, ChatToolsModule.forFeature([{ name: 'support', tags: ['warehouse'] }])] },
      { telemetry: true },
    );
    const agent = app.get<Agent<Caller>>(getAgentToken('support'));
    server.enqueue(reply.toolCalls(toolCall('stock__check_stock', { sku: 'sku-1' })), reply.text('4 left.'));
    const result = await agent.run('How many sku-1?', { context: { userId: 'ada' } });
    expect(result.finalContent).to.equal('4 left.');

    const run = sdk.span('invoke_agent support');
    expect(run.attributes[ATTR_GEN_AI_AGENT_NAME]).to.equal('support');
    expect(parentId(run)).to.equal(undefined);
    const tool = sdk.span('execute_tool stock__check_stock');
    expect(tool.attributes[ATTR_GEN_AI_TOOL_NAME]).to.equal('stock__check_stock');
    const chats = sdk.spans().filter((span) => span.name === `chat ${TEST_MODEL}`);
    expect(chats).to.have.length(2);
    for (const child of [tool, ...chats]) expect(parentId(child)).to.equal(spanId(run));

    // An agent can still opt out of the module's setting.
    const quiet = app.get(ChatAgents).create({ telemetry: false });
    server.enqueue(reply.text('shh'));
    await quiet.run('hi', { context: { userId: 'bob' } });
    expect(sdk.spans()).to.have.length(4);
  });

  it('a malformed telemetry option fails forRoot and ChatAgents.create with a ChatToolsModuleError naming it', async () => {
    expect(() => ChatToolsModule.forRoot({ client: server.client(), model: 'm', telemetry: { captureContent: 'yes' } as never }))
      .to.throw(ChatToolsModuleError)
      .with.property('message', 'ChatToolsModule.forRoot(): telemetry.captureContent must be a boolean, got "yes".');
    app = await startApp(server);
    expect(() => app!.get(ChatAgents).create({ name: 'x', telemetry: 1 as never }))
      .to.throw(ChatToolsModuleError)
      .with.property('message', 'ChatAgents.create({ name: "x" }): telemetry must be true, false or { tracer?, meter?, captureContent? }, got 1.');
  });
});
