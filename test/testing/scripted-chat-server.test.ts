import { expect } from 'chai';
import { ScriptError, ScriptedChatServer, reply, toolCall } from 'chat-cmpl-stream-handler/testing';
import { rejectionOf, user } from '../support/helpers.js';

async function rawStream(server: ScriptedChatServer, body: object): Promise<any[]> {
  const response = await fetch(`${server.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', messages: [user('x')], stream: true, ...body }),
  });
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => line.slice(6))
    .map((data) => (data === '[DONE]' ? data : JSON.parse(data)));
}

describe('ScriptedChatServer', () => {
  let server: ScriptedChatServer;
  afterEach(async () => server?.close({ force: true }));

  it('listens on 127.0.0.1 on a free port and exposes an OpenAI base URL', async () => {
    server = await ScriptedChatServer.start();
    expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(server.port).to.be.greaterThan(0);
  });

  it('streams text in chunkSize deltas, then the finish reason, usage when asked, and [DONE]', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('abcdefg', { chunkSize: 3, usage: { prompt_tokens: 7, completion_tokens: 3 } })] });
    const events = await rawStream(server, { stream_options: { include_usage: true } });
    expect(events.at(-1)).to.equal('[DONE]');
    const chunks = events.slice(0, -1);
    expect(chunks[0].choices[0].delta).to.deep.equal({ role: 'assistant', content: '', refusal: null });
    expect(chunks.slice(1, 4).map((c) => c.choices[0].delta.content)).to.deep.equal(['abc', 'def', 'g']);
    expect(chunks[4].choices[0].finish_reason).to.equal('stop');
    expect(chunks[5]).to.deep.include({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } });
    expect(new Set(chunks.map((c) => c.id)).size).to.equal(1);
  });

  it('sends no usage chunk unless stream_options.include_usage is set', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('hi')] });
    const events = await rawStream(server, {});
    expect(events.filter((e) => e !== '[DONE]' && e.usage)).to.deep.equal([]);
  });

  it('splits tool-call arguments at the given positions, several calls in one message', async () => {
    server = await ScriptedChatServer.start({
      script: [reply.toolCalls([toolCall('a', { x: 1 }, { id: 'id_a' }), toolCall('b', '{"y":2}')], { argumentSplits: [1, 4] })],
    });
    const chunks = (await rawStream(server, {})).filter((e) => e !== '[DONE]');
    const toolDeltas = chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? []);
    expect(toolDeltas[0]).to.deep.equal({ index: 0, id: 'id_a', type: 'function', function: { name: 'a', arguments: '' } });
    expect(toolDeltas.filter((d: any) => d.index === 0).slice(1).map((d: any) => d.function.arguments)).to.deep.equal(['{', '"x"', ':1}']);
    expect(toolDeltas.filter((d: any) => d.index === 1)[0].id).to.equal('call_1_1');
    expect(chunks.at(-1).choices[0].finish_reason).to.equal('tool_calls');
  });

  it('records every request with method, path, headers and body', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('ok')] });
    await server.client().chat.completions.create({ model: 'gpt-x', messages: [user('hello')], temperature: 0 });
    expect(server.requests).to.have.length(1);
    const [request] = server.requests;
    expect(request!.method).to.equal('POST');
    expect(request!.path).to.equal('/v1/chat/completions');
    expect(request!.headers['content-type']).to.contain('application/json');
    expect(request!.body).to.deep.equal({ model: 'gpt-x', messages: [user('hello')], temperature: 0 });
  });

  it('fails loudly when the script runs out: HTTP 500 naming the problem, and close() throws', async () => {
    server = await ScriptedChatServer.start({ script: [] });
    const error = await rejectionOf(server.client().chat.completions.create({ model: 'm', messages: [user('x')] }));
    expect(error.status).to.equal(500);
    expect(error.message).to.contain('the script has no reply left');
    const closeError = await rejectionOf(server.close());
    expect(closeError).to.be.instanceOf(ScriptError);
    expect(closeError.message).to.contain('request 1 arrived but the script has no reply left');
  });

  it('rejects requests to other paths with 404 and reports them on close()', async () => {
    server = await ScriptedChatServer.start({ script: [] });
    const response = await fetch(`${server.url}/embeddings`, { method: 'POST', body: '{}' });
    expect(response.status).to.equal(404);
    const closeError = await rejectionOf(server.close());
    expect(closeError.message).to.contain('unexpected POST /v1/embeddings');
  });

  it('close() reports replies that were never requested', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('a'), reply.text('b')] });
    await server.client().chat.completions.create({ model: 'm', messages: [user('x')] });
    const closeError = await rejectionOf(server.close());
    expect(closeError.message).to.contain('1 scripted reply was never requested');
  });

  it('answers HTTP errors with bodies the OpenAI SDK understands', async () => {
    server = await ScriptedChatServer.start({ script: [reply.httpError(400, { message: 'bad param', code: 'invalid_value' })] });
    const error = await rejectionOf(server.client().chat.completions.create({ model: 'm', messages: [user('x')] }));
    expect(error.status).to.equal(400);
    expect(error.code).to.equal('invalid_value');
    expect(error.message).to.contain('bad param');
  });

  it('builds dynamic replies from the request', async () => {
    server = await ScriptedChatServer.start({
      script: [reply.dynamic((request) => reply.text(`you said: ${request.body.messages.at(-1).content}`))],
    });
    const completion = await server.client().chat.completions.create({ model: 'm', messages: [user('ping')] });
    expect(completion.choices[0]!.message.content).to.equal('you said: ping');
  });

  it('delays chunks when asked', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('abcd', { chunkSize: 1, delayMs: 30 })] });
    const started = Date.now();
    await rawStream(server, {});
    expect(Date.now() - started).to.be.greaterThanOrEqual(5 * 25);
  });

  it('sends the headers at once and the first chunk after firstChunkDelayMs', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('hi', { firstChunkDelayMs: 200 })] });
    const started = Date.now();
    const response = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [user('x')], stream: true }),
    });
    const headersAfter = Date.now() - started;
    const text = await response.text();
    expect(headersAfter).to.be.lessThan(150);
    expect(Date.now() - started).to.be.at.least(180);
    expect(text).to.contain('data: [DONE]');
  });

  it('stalls after stallAfter chunks and holds the connection until the client hangs up', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('abcdef', { chunkSize: 1, stallAfter: 2 })] });
    const controller = new AbortController();
    const response = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [user('x')], stream: true }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    let received = '';
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return 'ended';
        received += Buffer.from(value).toString('utf8');
      }
    })().catch(() => 'aborted');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(received.split('\n\n').filter((line) => line.startsWith('data: '))).to.have.length(2);
    expect(server.requests[0]!.closedEarly).to.equal(false);
    controller.abort();
    expect(await reading).to.equal('aborted');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(server.requests[0]!.closedEarly).to.equal(true);
  });

  it('sends retry-after and retry-after-ms headers with an HTTP error', async () => {
    server = await ScriptedChatServer.start({ script: [reply.httpError(429, { retryAfter: 2, retryAfterMs: 1500 })] });
    const response = await fetch(`${server.url}/chat/completions`, { method: 'POST', body: '{}' });
    expect(response.status).to.equal(429);
    expect(response.headers.get('retry-after')).to.equal('2');
    expect(response.headers.get('retry-after-ms')).to.equal('1500');
  });
});
