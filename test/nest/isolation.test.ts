import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';

const HOOKS = new URL('./fixtures/deny-modules-hooks.js', import.meta.url).href;

/** Runs an ES module script in a child process whose module resolution refuses specifiers starting with `deny`. */
async function runDenying(deny: string[], body: string): Promise<string> {
  const script = `
    import { register } from 'node:module';
    register(${JSON.stringify(HOOKS)}, { data: { deny: ${JSON.stringify(deny)} } });
    ${body}`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd(), timeout: 15_000 });
  return stdout;
}

describe('nest: optional dependencies', () => {
  it('importing the core entry never loads NestJS; the nest entry does', async () => {
    const stdout = await runDenying(
      ['@nestjs/'],
      `
      const core = await import('chat-cmpl-stream-handler');
      console.log('core loaded:', typeof core.Agent);
      try {
        await import('chat-cmpl-stream-handler/nest');
        console.log('nest loaded');
      } catch (error) {
        console.log('nest needs NestJS:', error.message);
      }`,
    );
    expect(stdout).to.contain('core loaded: function');
    expect(stdout).to.contain('nest needs NestJS: Denied module requested: @nestjs/');
  });

  it('the nest entry loads the MCP SDK only when the module options list MCP servers', async () => {
    const stdout = await runDenying(
      ['@modelcontextprotocol/'],
      `
      const { Module } = await import('@nestjs/common');
      const { NestFactory } = await import('@nestjs/core');
      const { ChatToolsModule, ChatAgents } = await import('chat-cmpl-stream-handler/nest');
      const { default: OpenAI } = await import('openai');
      const client = new OpenAI({ apiKey: 'unused', baseURL: 'http://127.0.0.1:9/v1' });
      async function boot(options) {
        class AppModule {}
        Module({ imports: [ChatToolsModule.forRoot({ client, model: 'm', ...options })] })(AppModule);
        const app = await NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
        try {
          return typeof app.get(ChatAgents).create().run;
        } finally {
          await app.close();
        }
      }
      console.log('without MCP servers:', await boot({}));
      try {
        await boot({ mcpServers: [{ url: 'http://127.0.0.1:9/mcp' }] });
      } catch (error) {
        console.log('with MCP servers:', error.message);
      }`,
    );
    expect(stdout).to.contain('without MCP servers: function');
    expect(stdout).to.contain('with MCP servers: Denied module requested: @modelcontextprotocol/sdk/');
  });
});
