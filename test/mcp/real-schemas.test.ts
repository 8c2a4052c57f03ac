/*
 * Issue 11: real MCP tool schemas through McpToolset. The fixture holds the input schemas of 367 tools
 * of 23 real servers (official reference servers, popular npm servers, github-mcp-server), each with
 * its origin. Every schema offered as strict must pass the OpenAI SDK's own strict checker unchanged;
 * the ones offered with strict: false are pinned with their reason, so a regression (or an improvement)
 * shows here.
 */
import { readFileSync } from 'node:fs';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { expect } from 'chai';
import { McpToolset, type McpTool } from 'chat-cmpl-stream-handler/mcp';
import { toStrictJsonSchema } from 'openai-strict-checker/lib/transform';
import { connectInMemory } from './fixtures/in-memory.js';
import { createSchemaServer } from './fixtures/schema-server.js';

interface RecordedTool {
  origin: string;
  tool: string;
  inputSchema: Record<string, unknown>;
}

const corpus: RecordedTool[] = JSON.parse(readFileSync(new URL('../../../test/mcp/fixtures/real-tool-schemas.json', import.meta.url), 'utf8')).tools;

/** The tools that cannot be strict without changing what they accept, and why. */
const NOT_STRICT: Record<string, string> = {
  '@modelcontextprotocol/server-puppeteer puppeteer_navigate': 'property "launchOptions" is an object with free-form keys',
  '@playwright/mcp browser_drop': 'property "data" is an object with free-form keys',
  '@notionhq/notion-mcp-server API-patch-block-children': 'definition "richTextRequest.text.link" is an object with free-form keys',
  '@notionhq/notion-mcp-server API-update-a-block': 'property "type" is an object with free-form keys',
  '@notionhq/notion-mcp-server API-patch-page': 'property "properties" is an object with free-form keys',
  '@notionhq/notion-mcp-server API-post-page': 'property "properties" is an object with free-form keys',
  '@notionhq/notion-mcp-server API-create-a-comment': 'property "rich_text[]" is an object with free-form keys',
  '@notionhq/notion-mcp-server API-query-data-source': 'property "filter_properties[]" is an object with free-form keys',
  '@notionhq/notion-mcp-server API-update-a-data-source': 'definition "richTextRequest.text.link" is an object with free-form keys',
  '@notionhq/notion-mcp-server API-create-a-data-source': 'property "properties" is an object with free-form keys',
  'firecrawl-mcp firecrawl_scrape': 'property "alexandria.options" is an object with free-form keys',
  'mcp-server-kubernetes kubectl_patch': 'property "patchData" is an object with free-form keys',
  'mcp-server-kubernetes install_helm_chart': 'property "values" is an object with free-form keys',
  'mcp-server-kubernetes upgrade_helm_chart': 'property "values" is an object with free-form keys',
  'mcp-server-kubernetes kubectl_generic': 'property "flags" is an object with free-form keys',
  '@sentry/mcp-server execute_sentry_tool': 'property "arguments" is an object with free-form keys',
  'github/github-mcp-server actions_run_trigger': 'property "inputs" is an object with free-form keys',
  // Its `oneOf` beside a redundant `type` is normalised now (see schemas.test.ts); what remains is a
  // property of any JSON type, which strict mode cannot express.
  'github/github-mcp-server projects_write': 'property "updated_field.value" accepts any JSON value',
};

/** `@playwright/mcp browser_drop`, `github/github-mcp-server projects_write`: the server without its version, and the tool. */
const shortName = (tool: RecordedTool) => `${/^(?:npm|repository) (@?[^@]+)@/.exec(tool.origin)![1]} ${tool.tool}`;

describe('mcp: real tool schemas (367 tools of 23 servers)', () => {
  const clients: Client[] = [];
  const toolsets: McpToolset[] = [];
  const offered = new Map<RecordedTool, McpTool>();

  before(async () => {
    const byOrigin = new Map<string, RecordedTool[]>();
    for (const tool of corpus) byOrigin.set(tool.origin.replace(/ pkg\/.*$/, ''), [...(byOrigin.get(tool.origin.replace(/ pkg\/.*$/, '')) ?? []), tool]);
    for (const tools of byOrigin.values()) {
      const client = await connectInMemory(createSchemaServer(tools.map(({ tool, inputSchema }) => ({ name: tool, inputSchema }))));
      clients.push(client);
      const toolset = await McpToolset.connect({ client });
      toolsets.push(toolset);
      for (const recorded of tools) offered.set(recorded, toolset.tools.find((tool) => tool.mcpName === recorded.tool)!);
    }
  });
  after(async () => {
    await Promise.all(toolsets.map((toolset) => toolset.close()));
    await Promise.all(clients.map((client) => client.close()));
  });

  it('offers every tool', () => {
    expect(corpus).to.have.length(367);
    expect([...offered.values()].filter((tool) => tool === undefined)).to.deep.equal([]);
  });

  it('offers 349 of them strict, each accepted unchanged by the OpenAI SDK strict checker', () => {
    const strict = corpus.filter((tool) => offered.get(tool)!.schema.function.strict);
    for (const tool of strict) {
      const parameters = offered.get(tool)!.schema.function.parameters;
      expect(toStrictJsonSchema(structuredClone(parameters) as never), shortName(tool)).to.deep.equal(parameters);
    }
    expect(strict).to.have.length(349);
  });

  it('offers the rest with strict: false and the reason, each one a schema strict mode cannot express', () => {
    const notStrict = corpus.filter((tool) => !offered.get(tool)!.schema.function.strict);
    const reasons = Object.fromEntries(notStrict.map((tool) => [shortName(tool), offered.get(tool)!.notStrictBecause]));
    expect(Object.keys(reasons).sort()).to.deep.equal(Object.keys(NOT_STRICT).sort());
    for (const [name, because] of Object.entries(NOT_STRICT)) expect(reasons[name], name).to.contain(because);
  });
});
