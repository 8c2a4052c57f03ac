import { expect } from 'chai';
import { FunctionTool, streamUntilUserInput } from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { sleep, user } from '../support/helpers.js';

describe('a message with many tool calls', () => {
  let server: ScriptedChatServer;
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  beforeEach(() => {
    warnings.length = 0;
    process.on('warning', onWarning);
  });
  afterEach(async () => {
    process.off('warning', onWarning);
    await server?.close({ force: true });
  });

  it('runs 100 parallel calls that listen to their signal, with a timeout, without a MaxListenersExceededWarning', async () => {
    let listening = 0;
    const wait = new FunctionTool({
      name: 'wait',
      timeout: 5_000,
      execute: async ({ i }: { i: number }, _context, { signal }) => {
        signal.addEventListener('abort', () => {}, { once: true });
        listening++;
        await sleep(20);
        return `done ${i}`;
      },
    });
    const calls = Array.from({ length: 100 }, (_, i) => toolCall('wait', { i }));
    server = await ScriptedChatServer.start({ script: [reply.toolCalls(calls), reply.text('all done')] });
    const result = await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('go')], tools: [wait] });
    await new Promise((resolve) => setImmediate(resolve));
    expect(listening).to.equal(100);
    expect(result.messages.filter((m) => m.role === 'tool')).to.have.length(100);
    expect(result.finalContent).to.equal('all done');
    expect(warnings.map((w) => `${w.name}: ${w.message}`)).to.deep.equal([]);
  });
});
