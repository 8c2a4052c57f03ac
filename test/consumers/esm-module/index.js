// import of every entry from a "type": "module" app, then a tool loop against ScriptedChatServer with a
// class-validator DTO. Exits non-zero on any failure.
import assert from 'node:assert/strict';
import * as core from 'chat-cmpl-stream-handler';
import * as testing from 'chat-cmpl-stream-handler/testing';
import * as mcp from 'chat-cmpl-stream-handler/mcp';
import * as anthropic from 'chat-cmpl-stream-handler/anthropic';
import * as nest from 'chat-cmpl-stream-handler/nest';
import * as bullmq from 'chat-cmpl-stream-handler/bullmq';
import * as bullmqNest from 'chat-cmpl-stream-handler/bullmq/nest';
import { IsString, Length } from 'class-validator';

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
// The ESM build, not the CommonJS one through interop.
assert.match(import.meta.resolve('chat-cmpl-stream-handler'), /\/dist\/esm\/index\.js$/);

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
} finally {
  await server.close();
}
console.log('ESM consumer: every entry imported, a validated tool loop ran');
