import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';

const HOOKS = new URL('../nest/fixtures/deny-modules-hooks.js', import.meta.url).href;

/** Runs an ES module script in a child process whose module resolution refuses `bullmq` and `ioredis`. */
async function runWithoutBullmq(body: string): Promise<string> {
  const script = `
    import { register } from 'node:module';
    register(${JSON.stringify(HOOKS)}, { data: { deny: ['bullmq', 'ioredis'] } });
    ${body}`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd(), timeout: 15_000 });
  return stdout;
}

describe('bullmq: optional dependency', () => {
  it('importing the core, /testing and /nest entries never loads bullmq or ioredis; the bullmq entry does', async () => {
    const stdout = await runWithoutBullmq(`
      const core = await import('chat-cmpl-stream-handler');
      await import('chat-cmpl-stream-handler/testing');
      await import('chat-cmpl-stream-handler/nest');
      console.log('core loaded:', typeof core.Agent);
      try {
        await import('chat-cmpl-stream-handler/bullmq');
        console.log('bullmq entry loaded');
      } catch (error) {
        console.log('bullmq entry needs bullmq:', error.message);
      }`);
    expect(stdout).to.contain('core loaded: function');
    expect(stdout).to.contain('bullmq entry needs bullmq: Denied module requested: bullmq');
  });

  it('require() of the core entry loads neither; the bullmq entry loads both but not NestJS; bullmq/nest adds NestJS', async () => {
    const script = `
      const loaded = () => ['bullmq', 'ioredis', '@nestjs/common'].filter((name) => Object.keys(require.cache).some((file) => file.includes('/node_modules/' + name + '/')));
      require('chat-cmpl-stream-handler');
      console.log('core:', JSON.stringify(loaded()));
      require('chat-cmpl-stream-handler/bullmq');
      console.log('bullmq entry:', JSON.stringify(loaded()));
      require('chat-cmpl-stream-handler/bullmq/nest');
      console.log('bullmq/nest entry:', JSON.stringify(loaded()));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { cwd: process.cwd(), timeout: 15_000 });
    expect(stdout).to.contain('core: []');
    expect(stdout).to.contain('bullmq entry: ["bullmq","ioredis"]');
    expect(stdout).to.contain('bullmq/nest entry: ["bullmq","ioredis","@nestjs/common"]');
  });
});
