/*
 * Issue 11 item 10: binary content inside structuredContent must not reach the model, and a
 * structuredContent that only wraps the text content gives the model the text itself.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { expect } from 'chai';
import type { ToolCall } from 'chat-cmpl-stream-handler';
import { McpToolset } from 'chat-cmpl-stream-handler/mcp';
import { createFilesystemLikeServer, IMAGE_BYTES } from './fixtures/filesystem-like-server.js';
import { connectInMemory } from './fixtures/in-memory.js';

const call = (name: string): ToolCall => ({ id: 'call_1', type: 'function', function: { name, arguments: '{"path":"/x"}' } });

describe('mcp: tool results with structuredContent', () => {
  let client: Client;
  let toolset: McpToolset;
  let fixture: ReturnType<typeof createFilesystemLikeServer>;
  before(async () => {
    fixture = createFilesystemLikeServer();
    client = await connectInMemory(fixture.server);
    toolset = await McpToolset.connect({ client });
  });
  after(async () => {
    await toolset.close();
    await client.close();
  });
  const run = (name: string) => toolset.tools.find((tool) => tool.mcpName === name)!.invoke(call(name), undefined);

  it('read_media_file: the model gets the image block with its size, not 400,000 characters of base64', async () => {
    const result = await run('read_media_file');
    expect(fixture.image.length).to.equal(400_000);
    expect(result.content).to.equal(`{"type":"image","mimeType":"image/png","bytes":${IMAGE_BYTES}}`);
    expect((result.metadata.mcp.structuredContent as { content: { data: string }[] }).content[0]!.data, 'kept for your code').to.equal(fixture.image);
  });

  it('read_text_file: the model gets the text as is, not JSON-escaped inside {"content": ...}', async () => {
    const result = await run('read_text_file');
    expect(result.content).to.equal(fixture.text);
  });

  it("a tool's own structured result keeps its JSON, with a base64 payload replaced by its size", async () => {
    const result = await run('thumbnail');
    expect(JSON.parse(result.content)).to.deep.equal({ path: '/x', width: 64, preview: { mimeType: 'image/png', bytes: IMAGE_BYTES } });
    expect(result.content.length).to.be.below(100);
  });

  it('real structured data still goes to the model as compact JSON', async () => {
    expect((await run('stats')).content).to.equal('{"size":42,"isFile":true}');
  });
});
