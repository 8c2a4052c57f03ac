/**
 * The server the official MCP conformance runner (@modelcontextprotocol/conformance) tests: the tools
 * its server scenarios expect, written as one @Toolset and served by `mcpHttpHandler`, built only
 * from this library's public API.
 *
 *   node build/examples/mcp-conformance-server.js [port]    # prints the URL, serves until stopped
 *
 * scripts/ci/mcp-server-conformance.sh starts it and runs every in-scope server scenario against it.
 * Resources, prompts and completion are not served from toolsets, so their scenarios are out of scope.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Type } from 'class-transformer';
import { IsOptional, IsString, ValidateNested } from 'class-validator';
import { Tool, ToolResult, Toolset, type ToolContext } from 'chat-cmpl-stream-handler';
import { mcpHttpHandler, type McpToolContext } from 'chat-cmpl-stream-handler/mcp';

/** A 1x1 PNG. */
const RED_PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
/** A WAV file with one silent sample. */
const SILENT_WAV = 'UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQIAAAAAAA==';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class SamplingArgs {
  @IsString() prompt!: string;
}

class ElicitationArgs {
  @IsString() message!: string;
}

// The json-schema-2020-12 scenario looks for `$defs.address`, and `$defs` are keyed by class name.
class address {
  @IsOptional() @IsString() street?: string;
  @IsOptional() @IsString() city?: string;
}

class JsonSchemaFeatures {
  @IsOptional() @IsString() name?: string;
  @IsOptional() @ValidateNested() @Type(() => address) address?: address;
}

/** Each tool is the one a conformance scenario names. */
@Toolset()
export class ConformanceTools {
  @Tool({ name: 'test_simple_text', description: 'Returns simple text', input: null })
  async simpleText(): Promise<string> {
    return 'This is a simple text response for testing.';
  }

  @Tool({ name: 'test_image_content', description: 'Returns an image', input: null })
  async imageContent(): Promise<ToolResult> {
    return new ToolResult('an image', { mcp: { content: [{ type: 'image', data: RED_PIXEL_PNG, mimeType: 'image/png' }] } });
  }

  @Tool({ name: 'test_audio_content', description: 'Returns audio', input: null })
  async audioContent(): Promise<ToolResult> {
    return new ToolResult('a sound', { mcp: { content: [{ type: 'audio', data: SILENT_WAV, mimeType: 'audio/wav' }] } });
  }

  @Tool({ name: 'test_embedded_resource', description: 'Returns an embedded resource', input: null })
  async embeddedResource(): Promise<ToolResult> {
    const resource = { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' };
    return new ToolResult(resource.text, { mcp: { content: [{ type: 'resource', resource }] } });
  }

  @Tool({ name: 'test_multiple_content_types', description: 'Returns text, an image and a resource', input: null })
  async multipleContentTypes(): Promise<ToolResult> {
    return new ToolResult('mixed', {
      mcp: {
        content: [
          { type: 'text', text: 'Multiple content types test:' },
          { type: 'image', data: RED_PIXEL_PNG, mimeType: 'image/png' },
          { type: 'resource', resource: { uri: 'test://mixed-content-resource', mimeType: 'application/json', text: '{"test":"data","value":123}' } },
        ],
      },
    });
  }

  @Tool({ name: 'test_tool_with_logging', description: 'Logs three messages while it runs', input: null })
  async toolWithLogging(_args: unknown, ctx: McpToolContext): Promise<string> {
    await ctx.log('info', 'Tool execution started');
    await sleep(50);
    await ctx.log('info', 'Tool processing data');
    await sleep(50);
    await ctx.log('info', 'Tool execution completed');
    return 'Tool with logging executed successfully';
  }

  @Tool({ name: 'test_tool_with_progress', description: 'Reports progress 0, 50 and 100 of 100', input: null })
  async toolWithProgress(_args: unknown, ctx: McpToolContext): Promise<string> {
    ctx.reportProgress(0, 100);
    await sleep(50);
    ctx.reportProgress(50, 100);
    await sleep(50);
    ctx.reportProgress(100, 100);
    return 'Tool with progress executed successfully';
  }

  @Tool({ name: 'test_error_handling', description: 'Always fails', input: null })
  async errorHandling(): Promise<string> {
    throw new Error('This tool intentionally returns an error for testing');
  }

  @Tool({ name: 'test_sampling', description: "Asks the client's model" })
  async sampling(args: SamplingArgs, ctx: McpToolContext): Promise<string> {
    const result = await ctx.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: args.prompt } }], maxTokens: 100 });
    return `LLM response: ${result.content.type === 'text' ? result.content.text : JSON.stringify(result.content)}`;
  }

  @Tool({ name: 'test_elicitation', description: "Asks the client's user" })
  async elicitation(args: ElicitationArgs, ctx: McpToolContext): Promise<string> {
    const result = await ctx.elicitInput({
      message: args.message,
      requestedSchema: {
        type: 'object',
        properties: { username: { type: 'string', description: "User's response" }, email: { type: 'string', description: "User's email address" } },
        required: ['username', 'email'],
      },
    });
    return `User response: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`;
  }

  @Tool({ name: 'test_elicitation_sep1034_defaults', description: 'Elicitation with a default for every primitive type', input: null })
  async elicitationDefaults(_args: unknown, ctx: McpToolContext): Promise<string> {
    const result = await ctx.elicitInput({
      message: 'Please review your profile',
      requestedSchema: {
        type: 'object',
        properties: {
          name: { type: 'string', default: 'John Doe' },
          age: { type: 'integer', default: 30 },
          score: { type: 'number', default: 95.5 },
          status: { type: 'string', enum: ['active', 'inactive', 'pending'], default: 'active' },
          verified: { type: 'boolean', default: true },
        },
      },
    });
    return `Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`;
  }

  @Tool({ name: 'test_elicitation_sep1330_enums', description: 'Elicitation with every kind of enum', input: null })
  async elicitationEnums(_args: unknown, ctx: McpToolContext): Promise<string> {
    const titled = (prefix: string, titles: string[]) => titles.map((title, i) => ({ const: `${prefix}${i + 1}`, title }));
    const result = await ctx.elicitInput({
      message: 'Pick some options',
      requestedSchema: {
        type: 'object',
        properties: {
          untitledSingle: { type: 'string', enum: ['option1', 'option2', 'option3'] },
          titledSingle: { type: 'string', oneOf: titled('value', ['First Option', 'Second Option', 'Third Option']) },
          legacyEnum: { type: 'string', enum: ['opt1', 'opt2', 'opt3'], enumNames: ['Option One', 'Option Two', 'Option Three'] },
          untitledMulti: { type: 'array', items: { type: 'string', enum: ['option1', 'option2', 'option3'] } },
          titledMulti: { type: 'array', items: { anyOf: titled('value', ['First Choice', 'Second Choice', 'Third Choice']) } },
        },
      },
    });
    return `Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`;
  }

  @Tool({ name: 'json_schema_2020_12_tool', description: 'Tool with JSON Schema 2020-12 features' })
  async jsonSchemaFeatures(args: JsonSchemaFeatures): Promise<string> {
    return `name=${args.name ?? ''}, city=${args.address?.city ?? ''}`;
  }

  @Tool({ name: 'test_reconnection', description: 'Closes its response stream mid-call; the client resumes it with Last-Event-ID', input: null })
  async reconnection(_args: unknown, ctx: ToolContext): Promise<string> {
    (ctx as McpToolContext).mcp.closeSSEStream?.();
    await sleep(100);
    return 'Reconnection test completed';
  }
}

async function main(): Promise<void> {
  const handler = mcpHttpHandler({ name: 'chat-cmpl-stream-handler-conformance', version: '1.0.0', toolsets: [new ConformanceTools()] });
  const server = createServer((req, res) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/mcp') return void res.writeHead(404).end();
    handler(req, res).catch((error: unknown) => {
      console.error(error);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  const port = Number(process.argv[2] ?? 0);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  console.log(`MCP conformance server: http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`);
  const stop = () => {
    void handler.close();
    server.closeAllConnections();
    server.close();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
