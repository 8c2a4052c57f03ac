import { expect } from 'chai';
import { streamUntilUserInput } from 'chat-cmpl-stream-handler';
import { ScriptedChatServer } from 'chat-cmpl-stream-handler/testing';
import { rejectionOf, user } from '../support/helpers.js';

describe('loop control: option checks', () => {
  let server: ScriptedChatServer;
  afterEach(async () => server?.close({ force: true }));

  it('names every malformed loop-control option in one TypeError, before any request', async () => {
    server = await ScriptedChatServer.start({ script: [] });
    const error = await rejectionOf(
      streamUntilUserInput({
        client: server.client(),
        model: 'm',
        messages: [user('x')],
        stopWhen: 'submit' as any,
        prepareStep: {} as any,
        repeatedCallLimit: 1,
        streamTimeouts: { idleMs: -5, firstChunk: 10 } as any,
        retry: { attempts: 1.5, backoffMs: 'soon' } as any,
        fallbackModels: ['ok', ''],
        maxToolOutputChars: 0,
      }),
    );
    expect(error).to.be.instanceOf(TypeError);
    for (const part of [
      'stopWhen must be a stop condition (stopAfterTool(name), stopAfterIterations(n) or a function of the step) or an array of them, got "submit".',
      'prepareStep must be a function',
      'repeatedCallLimit must be an integer of at least 2, or Infinity to turn the check off, got 1.',
      'streamTimeouts has unknown keys (firstChunk); known: firstChunkMs, idleMs, totalMs.',
      'streamTimeouts.idleMs must be a number of milliseconds from 1 to 2147483647, got -5.',
      'retry.attempts must be a non-negative integer (tries after the first), got 1.5.',
      'retry.backoffMs must be a number of milliseconds from 0 to 2147483647, got "soon".',
      'fallbackModels must be an array of model names (non-empty strings), got ["ok",""].',
      'maxToolOutputChars must be a positive integer, got 0.',
    ]) {
      expect(error.message).to.contain(part);
    }
    expect(server.requests).to.have.length(0);
  });

  it('rejects retry and streamTimeouts that are not objects', async () => {
    server = await ScriptedChatServer.start({ script: [] });
    const error = await rejectionOf(
      streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], retry: true as any, streamTimeouts: 5000 as any }),
    );
    expect(error.message).to.contain('retry must be an object { attempts?, backoffMs? }, got true.').and.contain('streamTimeouts must be an object { firstChunkMs?, idleMs?, totalMs? }, got 5000.');
  });
});
