import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ListResourcesRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { expect } from 'chai';
import { streamUntilUserInput } from 'chat-cmpl-stream-handler';
import { McpToolset, promptMessagesToChat } from 'chat-cmpl-stream-handler/mcp';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { z } from 'zod';
import { user } from '../support/helpers.js';
import { startStreamableHttpServer, type HttpMcpServer } from './fixtures/http-servers.js';
import { RED_DOT_PNG } from './fixtures/demo-server.js';
import { connectInMemory } from './fixtures/in-memory.js';

/** A documentation server: two resources (text and binary), a template, and a prompt with an argument. */
function createDocsServer(): McpServer {
  const server = new McpServer({ name: 'docs', version: '1.0.0' });
  server.registerResource('readme', 'docs://readme', { description: 'How to start', mimeType: 'text/markdown' }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: 'text/markdown', text: '# Start\nRun npm start.' }],
  }));
  server.registerResource('logo', 'docs://logo.png', { mimeType: 'image/png' }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: 'image/png', blob: RED_DOT_PNG }],
  }));
  server.registerResource('page', new ResourceTemplate('docs://pages/{slug}', { list: undefined }), { description: 'A page by slug' }, async (uri, { slug }) => ({
    contents: [{ uri: uri.href, text: `Page ${slug}` }],
  }));
  server.registerPrompt('review', { description: 'Review code', argsSchema: { code: z.string() } }, ({ code }) => ({
    messages: [
      { role: 'user', content: { type: 'text', text: `Review this:\n${code}` } },
      { role: 'assistant', content: { type: 'text', text: 'Looking at it.' } },
      { role: 'user', content: { type: 'resource', resource: { uri: 'docs://style', text: 'Use tabs.' } } },
      { role: 'user', content: { type: 'image', data: RED_DOT_PNG, mimeType: 'image/png' } },
    ],
  }));
  return server;
}

describe('mcp: resources and prompts', () => {
  let server: HttpMcpServer;
  let toolset: McpToolset | undefined;
  beforeEach(async () => {
    server = await startStreamableHttpServer(createDocsServer);
  });
  afterEach(async () => {
    await toolset?.close();
    toolset = undefined;
    await server.close();
  });

  it('lists and reads resources, resource templates and prompts', async () => {
    toolset = await McpToolset.connect({ url: `${server.url}/mcp` });
    expect((await toolset.listResources()).map(({ uri, name, mimeType }) => ({ uri, name, mimeType }))).to.deep.equal([
      { uri: 'docs://readme', name: 'readme', mimeType: 'text/markdown' },
      { uri: 'docs://logo.png', name: 'logo', mimeType: 'image/png' },
    ]);
    expect((await toolset.listResourceTemplates()).map((template) => template.uriTemplate)).to.deep.equal(['docs://pages/{slug}']);
    expect((await toolset.readResource('docs://readme')).contents).to.deep.equal([{ uri: 'docs://readme', mimeType: 'text/markdown', text: '# Start\nRun npm start.' }]);
    expect((await toolset.readResource('docs://pages/intro')).contents[0]).to.deep.include({ text: 'Page intro' });
    expect((await toolset.listPrompts()).map((prompt) => prompt.name)).to.deep.equal(['review']);
    const prompt = await toolset.getPrompt('review', { code: 'let x = 1' });
    expect(prompt.messages[0]!.content).to.deep.equal({ type: 'text', text: 'Review this:\nlet x = 1' });
  });

  it('turns a prompt into chat messages', async () => {
    toolset = await McpToolset.connect({ url: `${server.url}/mcp` });
    expect(promptMessagesToChat(await toolset.getPrompt('review', { code: 'f()' }))).to.deep.equal([
      { role: 'user', content: 'Review this:\nf()' },
      { role: 'assistant', content: 'Looking at it.' },
      { role: 'user', content: 'Use tabs.' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${RED_DOT_PNG}` } }] },
    ]);
  });

  it('fails with the server error for an unknown resource or prompt', async () => {
    toolset = await McpToolset.connect({ url: `${server.url}/mcp` });
    const missing = await toolset.readResource('docs://nope').then(
      () => undefined,
      (error: Error) => error,
    );
    expect(missing?.message).to.contain('docs://nope');
    const prompt = await toolset.getPrompt('nope').then(
      () => undefined,
      (error: Error) => error,
    );
    expect(prompt?.message).to.contain('nope');
  });

  it('resourceTools: true lets the model list and read resources', async () => {
    toolset = await McpToolset.connect({ url: `${server.url}/mcp`, label: 'docs', resourceTools: true });
    expect(toolset.resourceTools.map((tool) => tool.schema.function.name)).to.deep.equal(['docs__list_resources', 'docs__read_resource']);
    const chat = await ScriptedChatServer.start({
      script: [
        reply.toolCalls(toolCall('docs__list_resources', {})),
        reply.toolCalls([toolCall('docs__read_resource', { uri: 'docs://readme' }), toolCall('docs__read_resource', { uri: 'docs://logo.png' })]),
        reply.text('Run npm start.'),
      ],
    });
    try {
      const result = await streamUntilUserInput({ client: chat.client(), model: 'gpt-4.1-nano', messages: [user('how do I start?')], tools: [toolset] });
      const offered = chat.requests[0]!.body.tools.map((tool: any) => tool.function);
      expect(offered.find((tool: any) => tool.name === 'docs__read_resource')).to.deep.include({
        strict: true,
        parameters: { type: 'object', properties: { uri: { type: 'string', description: 'The resource URI, exactly as listed.' } }, required: ['uri'], additionalProperties: false },
      });
      const toolMessages = result.messages.filter((message) => message.role === 'tool').map((message) => message.content as string);
      expect(JSON.parse(toolMessages[0]!).map((resource: { uri: string }) => resource.uri)).to.deep.equal(['docs://readme', 'docs://logo.png']);
      expect(toolMessages[1]).to.equal('# Start\nRun npm start.');
      expect(JSON.parse(toolMessages[2]!)).to.deep.equal({ uri: 'docs://logo.png', mimeType: 'image/png', bytes: 70 });
    } finally {
      await chat.close();
    }
  });

  it('offers no resource tools when the server has no resources', async () => {
    const bare = new McpServer({ name: 'bare', version: '1.0.0' });
    bare.registerTool('noop', { description: 'Does nothing' }, async () => ({ content: [] }));
    const client = await connectInMemory(bare);
    try {
      toolset = await McpToolset.connect({ client, resourceTools: true });
      expect(toolset.resourceTools).to.deep.equal([]);
    } finally {
      await toolset?.close();
      toolset = undefined;
      await client.close();
    }
  });

  it('collects every page of a paginated list', async () => {
    const paged = new Server({ name: 'paged', version: '1.0.0' }, { capabilities: { resources: {} } });
    paged.setRequestHandler(ListResourcesRequestSchema, async (request) => {
      const page = Number(request.params?.cursor ?? 0);
      return { resources: [{ uri: `file:///${page}.txt`, name: `file ${page}` }], ...(page < 2 ? { nextCursor: String(page + 1) } : {}) };
    });
    let client: Client | undefined;
    try {
      client = await connectInMemory(paged);
      toolset = await McpToolset.connect({ client });
      expect((await toolset.listResources()).map((resource) => resource.uri)).to.deep.equal(['file:///0.txt', 'file:///1.txt', 'file:///2.txt']);
    } finally {
      await toolset?.close();
      toolset = undefined;
      await client?.close();
    }
  });
});
