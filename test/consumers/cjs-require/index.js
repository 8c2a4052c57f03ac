// require() of every entry (run with --no-experimental-require-module, as Node 20.0-20.18 behave), then
// a tool loop against ScriptedChatServer with a class-validator DTO. Exits non-zero on any failure.
'use strict';
const assert = require('node:assert/strict');
const core = require('chat-cmpl-stream-handler');
const testing = require('chat-cmpl-stream-handler/testing');
const mcp = require('chat-cmpl-stream-handler/mcp');
const anthropic = require('chat-cmpl-stream-handler/anthropic');
const nest = require('chat-cmpl-stream-handler/nest');
const bullmq = require('chat-cmpl-stream-handler/bullmq');
const bullmqNest = require('chat-cmpl-stream-handler/bullmq/nest');
const { IsString, Length } = require('class-validator');

for (const [entry, names] of [
  [core, ['streamUntilUserInput', 'Agent', 'Toolset', 'Tool', 'FunctionTool', 'ToolResult', 'ChatCmplError', 'MaxIterationsReached']],
  [testing, ['ScriptedChatServer', 'reply', 'toolCall']],
  [mcp, ['McpToolset', 'McpConnectionError']],
  [anthropic, ['AnthropicOpenAI']],
  [nest, ['ChatToolsModule', 'ChatAgents', 'InjectAgent', 'ChatToolsModuleError']],
  [bullmq, ['AgentQueue', 'AgentWorker', 'AgentQueueError', 'isTransientError']],
  [bullmqNest, ['AgentQueueModule', 'InjectAgentQueue', 'getAgentQueueToken']],
]) {
  for (const name of names) assert.equal(typeof entry[name], name === 'reply' ? 'object' : 'function', `export ${name}`);
}

class Greeting {}
IsString()(Greeting.prototype, 'name');
Length(1, 20)(Greeting.prototype, 'name');

class GreeterTools {
  async greet(args) {
    assert.ok(args instanceof Greeting, 'the tool gets a Greeting instance');
    return `Hello, ${args.name}!`;
  }
}
core.Tool({ description: 'Greets someone', input: Greeting })(GreeterTools.prototype, 'greet', Object.getOwnPropertyDescriptor(GreeterTools.prototype, 'greet'));
core.Toolset()(GreeterTools);

(async () => {
  const { ScriptedChatServer, reply, toolCall } = testing;
  const server = await ScriptedChatServer.start({
    script: [reply.toolCalls(toolCall('greet', { name: '' })), reply.toolCalls(toolCall('greet', { name: 'Ada' })), reply.text('Done.')],
  });
  try {
    const agent = new core.Agent({ client: server.client(), model: 'm', toolsets: [new GreeterTools()] });
    const result = await agent.run('Greet Ada');
    assert.equal(result.finalContent, 'Done.');
    const toolMessages = result.messages.filter((message) => message.role === 'tool').map((message) => message.content);
    assert.match(toolMessages[0], /name/);
    assert.equal(toolMessages[1], 'Hello, Ada!');

    const failing = new core.Agent({ client: server.client(), model: 'm', toolsets: [new GreeterTools()], maxIterations: 1 });
    server.enqueue(reply.toolCalls(toolCall('greet', { name: 'Bo' })));
    const error = await failing.run('loop').then(() => assert.fail('expected MaxIterationsReached'), (caught) => caught);
    assert.ok(error instanceof core.MaxIterationsReached && error instanceof core.ChatCmplError);
    assert.equal(error.name, 'MaxIterationsReached');
  } finally {
    await server.close();
  }
  console.log('CommonJS consumer: every entry required, a validated tool loop ran');
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
