import { expect } from 'chai';
import { Agent, FunctionTool, OnRunCompleted, streamUntilUserInput, type RunInfo } from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { rejectionOf, user } from '../support/helpers.js';

describe('runId: the caller names the run', () => {
  let server: ScriptedChatServer;
  afterEach(async () => server?.close({ force: true }));

  it('hooks, states and idempotency keys carry the given id; a resumed run keeps its state id', async () => {
    const keys: (string | undefined)[] = [];
    const refund = new FunctionTool({ name: 'refund', needsApproval: true, execute: (_args: object, _ctx: unknown, { idempotencyKey }) => (keys.push(idempotencyKey), 'ok') });
    const seen: string[] = [];
    class Audit {
      @OnRunCompleted() done(_event: unknown, run: RunInfo) {
        seen.push(run.runId);
      }
    }
    server = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('refund', {}, { id: 'c1' })), reply.text('done')] });
    const agent = new Agent({ client: server.client(), model: 'm', tools: [refund], handlers: [new Audit()] });
    const paused = await agent.run('refund', { runId: 'job-17' });
    expect(paused.state!.runId).to.equal('job-17');
    await agent.run(paused.state!.approve('c1'), { runId: 'ignored-on-resume' });
    expect(seen).to.deep.equal(['job-17']);
    expect(keys).to.deep.equal(['job-17:0:c1']);
  });

  it('refuses an empty or non-string id', async () => {
    server = await ScriptedChatServer.start();
    const error = await rejectionOf(streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('hi')], runId: '' }));
    expect(error).to.be.instanceOf(TypeError);
    expect(error.message).to.contain('runId must be a non-empty string, got "".');
  });
});
