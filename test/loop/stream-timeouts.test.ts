import { expect } from 'chai';
import {
  RunError,
  StreamTimeoutError,
  streamUntilUserInput,
  type ContentDeltaEvent,
  type StreamRetryEvent,
} from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer } from 'chat-cmpl-stream-handler/testing';
import { rejectionOf, sleep, user } from '../support/helpers.js';

describe('loop control: stream timeouts', () => {
  let server: ScriptedChatServer;
  afterEach(async () => server?.close({ force: true }));

  for (const [what, delivery] of [
    ['response headers never come', { headersDelayMs: 3000 }],
    ['the headers came but the body is silent', { stallAfter: 0 }],
  ] as const) {
    it(`ends a request whose first chunk does not come in firstChunkMs (${what}) and closes its connection`, async () => {
      server = await ScriptedChatServer.start({ script: [reply.text('late', delivery)] });
      const started = Date.now();
      const error = await rejectionOf(
        streamUntilUserInput({ client: server.client(), model: 'slow-model', messages: [user('x')], streamTimeouts: { firstChunkMs: 150 } }),
      );
      expect(Date.now() - started).to.be.within(140, 1500);
      expect(error).to.be.instanceOf(StreamTimeoutError);
      expect(error).to.be.instanceOf(RunError);
      expect(error).to.include({ kind: 'first-chunk', timeoutMs: 150, model: 'slow-model' });
      expect(error.message).to.contain('streamTimeouts.firstChunkMs');
      expect(error.messages).to.deep.equal([user('x')]);
      await sleep(30);
      expect(server.requests[0]!.closedEarly).to.equal(true);
    });
  }

  it('ends a stream that stalls between chunks after idleMs', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('abcdefgh', { chunkSize: 1, stallAfter: 3 })] });
    const deltas: string[] = [];
    const error = await rejectionOf(
      streamUntilUserInput({
        client: server.client(),
        model: 'm',
        messages: [user('x')],
        streamTimeouts: { firstChunkMs: 5000, idleMs: 150 },
        streamHandler: { onContentDelta: (event: ContentDeltaEvent) => void deltas.push(event.delta) },
      }),
    );
    expect(error).to.be.instanceOf(StreamTimeoutError);
    expect(error.kind).to.equal('idle');
    expect(error.message).to.contain('stalled').and.contain('streamTimeouts.idleMs');
    expect(deltas.join('')).to.equal('ab');
    await sleep(30);
    expect(server.requests[0]!.closedEarly).to.equal(true);
  });

  it('does not count the time hooks hold the stream as idle', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('abcdef', { chunkSize: 1 })] });
    const result = await streamUntilUserInput({
      client: server.client(),
      model: 'm',
      messages: [user('x')],
      streamTimeouts: { idleMs: 100 },
      streamHandler: { onContentDelta: () => sleep(150) },
    });
    expect(result.finalContent).to.equal('abcdef');
  });

  it('ends an attempt that runs past totalMs even while chunks keep coming', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('x'.repeat(100), { chunkSize: 1, delayMs: 20 })] });
    const started = Date.now();
    const error = await rejectionOf(
      streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], streamTimeouts: { idleMs: 1000, totalMs: 250 } }),
    );
    expect(error).to.be.instanceOf(StreamTimeoutError);
    expect(error.kind).to.equal('total');
    expect(Date.now() - started).to.be.lessThan(1500);
  });

  it('sends a timed-out request again with retry, and the answer of the new attempt is the only one kept', async () => {
    server = await ScriptedChatServer.start({
      script: [reply.text('Hello there, friend.', { chunkSize: 2, stallAfter: 4 }), reply.text('Hello there, friend.', { chunkSize: 2 })],
    });
    const retries: StreamRetryEvent[] = [];
    const result = await streamUntilUserInput({
      client: server.client(),
      model: 'm',
      messages: [user('x')],
      streamTimeouts: { idleMs: 100 },
      retry: { backoffMs: 0 },
      streamHandler: { onStreamRetry: (event: StreamRetryEvent) => void retries.push(event) },
    });
    expect(result.finalContent).to.equal('Hello there, friend.');
    expect(retries).to.have.length(1);
    expect(retries[0]!.error).to.be.instanceOf(StreamTimeoutError);
    expect(server.requests[0]!.closedEarly).to.equal(true);
    expect(result.messages).to.have.length(2);
  });

  it('lets a hook that is still handling an event finish before the retry, so hooks of two attempts never overlap', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('slow answer', { chunkSize: 4 }), reply.text('fast answer', { chunkSize: 4 })] });
    const log: string[] = [];
    let active = 0;
    let overlapped = false;
    let slow = true;
    const result = await streamUntilUserInput({
      client: server.client(),
      model: 'm',
      messages: [user('x')],
      streamTimeouts: { totalMs: 100 },
      retry: { backoffMs: 0 },
      streamHandler: {
        onContentDelta: async (event: ContentDeltaEvent) => {
          overlapped ||= active > 0;
          active++;
          log.push(event.delta);
          if (slow) await sleep(300);
          slow = false;
          active--;
        },
        onStreamRetry: () => {
          overlapped ||= active > 0;
          log.push('<retry>');
        },
      },
    });
    expect(overlapped).to.equal(false);
    expect(log[0]).to.equal('slow');
    expect(log.slice(log.indexOf('<retry>') + 1).join('')).to.equal('fast answer');
    expect(result.finalContent).to.equal('fast answer');
  });

  it('leaves streams that keep within their limits alone', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('steady', { chunkSize: 1, delayMs: 30, firstChunkDelayMs: 50 })] });
    const result = await streamUntilUserInput({
      client: server.client(),
      model: 'm',
      messages: [user('x')],
      streamTimeouts: { firstChunkMs: 1000, idleMs: 500, totalMs: 5000 },
    });
    expect(result.finalContent).to.equal('steady');
  });
});
