import { expect } from 'chai';
import type OpenAI from 'openai';
import { ChatCompletionStreamHandler, RunAbortedError, streamUntilUserInput, type ContentDeltaEvent } from 'chat-cmpl-stream-handler';
import { anthropicReply, reply, ScriptedAnthropicServer, ScriptedChatServer } from 'chat-cmpl-stream-handler/testing';
import { rejectionOf, sleep, user } from '../support/helpers.js';

/** What these tests need of a scripted provider: one long slow answer, a client, what it recorded. */
interface ScriptedProvider {
  readonly model: string;
  client(): OpenAI;
  readonly requests: readonly { closedEarly?: boolean }[];
  close(options?: { force?: boolean }): Promise<void>;
}

/** Each scripted server the library ships, started with a long answer streamed one character every 10 ms. */
const PROVIDERS: Record<string, (text: string) => Promise<ScriptedProvider>> = {
  'OpenAI (ScriptedChatServer)': async (text) =>
    Object.assign(await ScriptedChatServer.start({ script: [reply.text(text, { chunkSize: 1, delayMs: 10 })] }), { model: 'gpt-4.1-nano' }),
  'Anthropic (ScriptedAnthropicServer through AnthropicOpenAI)': async (text) =>
    Object.assign(await ScriptedAnthropicServer.start({ script: [anthropicReply.text(text, { chunkSize: 1, delayMs: 10 })] }), { model: 'claude-haiku-4-5' }),
};

for (const [name, start] of Object.entries(PROVIDERS)) {
  describe(`every provider: ${name}`, () => {
    let provider: ScriptedProvider | undefined;
    afterEach(async () => provider?.close({ force: true }));

    it('aborts the stream promptly when the signal fires, keeps the messages, and sends nothing more', async () => {
      provider = await start('x'.repeat(400));
      const controller = new AbortController();
      const received: string[] = [];
      class AbortAfterFive extends ChatCompletionStreamHandler {
        override async onContentDelta(event: ContentDeltaEvent) {
          received.push(event.delta);
          if (received.length === 5) controller.abort(new Error('user left'));
        }
      }
      const started = Date.now();
      const error = await rejectionOf(
        streamUntilUserInput({ client: provider.client(), model: provider.model, messages: [user('long story')], streamHandler: new AbortAfterFive(), signal: controller.signal }),
      );
      expect(Date.now() - started).to.be.lessThan(1500);
      expect(error).to.be.instanceOf(RunAbortedError);
      expect(error.name).to.equal('AbortError');
      expect(error.cause.message).to.equal('user left');
      expect(error.messages).to.deep.equal([user('long story')]);
      expect(received.length).to.be.within(5, 7);
      await sleep(50);
      expect(provider.requests).to.have.length(1);
      expect(provider.requests[0]!.closedEarly).to.equal(true);
    });
  });
}
