import { expect } from 'chai';
import { StreamTimeoutError, streamUntilUserInput, type StreamRetryEvent } from 'chat-cmpl-stream-handler';
import { anthropicReply, ScriptedAnthropicServer } from 'chat-cmpl-stream-handler/testing';
import { user } from '../support/helpers.js';

const model = 'claude-haiku-4-5';

describe('loop control: retries and timeouts through AnthropicOpenAI', () => {
  let server: ScriptedAnthropicServer;
  afterEach(async () => server?.close({ force: true }));

  it('retries an overloaded_error event mid-stream and a stalled stream, keeping only the answer that completed', async () => {
    server = await ScriptedAnthropicServer.start({
      script: [
        anthropicReply.text('Partial answer that is cut', { failAfter: 4 }),
        anthropicReply.text('Another partial answer', { stallAfter: 4 }),
        anthropicReply.text('The whole answer.'),
      ],
    });
    const retries: StreamRetryEvent[] = [];
    const result = await streamUntilUserInput({
      client: server.client(),
      model,
      messages: [user('hi')],
      retry: { backoffMs: 0 },
      streamTimeouts: { idleMs: 150 },
      streamHandler: { onStreamRetry: (event: StreamRetryEvent) => void retries.push(event) },
    });
    expect(result.finalContent).to.equal('The whole answer.');
    expect(result.messages).to.deep.equal([user('hi'), { role: 'assistant', content: 'The whole answer.' }]);
    expect(retries.map((event) => event.attempt)).to.deep.equal([1, 2]);
    expect((retries[0]!.error as Error).message).to.contain('Overloaded');
    expect(retries[1]!.error).to.be.instanceOf(StreamTimeoutError);
    expect(server.requests).to.have.length(3);
  });
});
