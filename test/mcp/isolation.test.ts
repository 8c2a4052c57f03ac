import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';

const HOOKS = new URL('./fixtures/deny-mcp-sdk-hooks.js', import.meta.url).href;

describe('mcp: optional dependency', () => {
  it('importing the core entry never loads the MCP SDK; the mcp entry does', async () => {
    const script = `
      import { register } from 'node:module';
      register(${JSON.stringify(HOOKS)});
      const core = await import('chat-cmpl-stream-handler');
      console.log('core loaded:', typeof core.streamUntilUserInput);
      try {
        await import('chat-cmpl-stream-handler/mcp');
        console.log('mcp loaded');
      } catch (error) {
        console.log('mcp needs the SDK:', error.message);
      }`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd() });
    expect(stdout).to.contain('core loaded: function');
    expect(stdout).to.contain('mcp needs the SDK: MCP SDK module requested: @modelcontextprotocol/sdk/');
  });
});
