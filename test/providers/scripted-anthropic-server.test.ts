import { expect } from 'chai';
import { BadRequestError } from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { anthropicReply, ScriptedAnthropicServer, ScriptError, toolUse } from 'chat-cmpl-stream-handler/testing';
import { rejectionOf, user } from '../support/helpers.js';

const model = 'claude-haiku-4-5';

/** POSTs a Messages request the way Anthropic's own clients do. */
function post(server: ScriptedAnthropicServer, body: unknown, headers: Record<string, string> = { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' }) {
  return fetch(`${server.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

describe('ScriptedAnthropicServer', () => {
  let server: ScriptedAnthropicServer;
  afterEach(async () => server?.close({ force: true }));

  it("streams Anthropic's SSE events and answers non-streaming requests with a message", async () => {
    server = await ScriptedAnthropicServer.start({
      script: [
        anthropicReply.toolUse(toolUse('lookup', { q: 'a' }, { id: 'toolu_x' }), { text: 'Hi', chunkSize: 2, argumentChunkSize: 100 }),
        anthropicReply.text('Plain', { usage: { input_tokens: 3, output_tokens: 1 } }),
      ],
    });
    const streamed = await post(server, { model, max_tokens: 10, stream: true, messages: [user('x')] });
    expect(streamed.headers.get('content-type')).to.match(/^text\/event-stream/);
    expect(streamed.headers.get('request-id')).to.equal('req_scripted_1');
    const text = await streamed.text();
    const events = [...text.matchAll(/^event: (.+)\ndata: (.+)$/gm)].map(([, name, data]) => [name, JSON.parse(data!)]);
    expect(events.every(([name, data]) => data.type === name)).to.equal(true);
    expect(events.map(([name, data]) => (name === 'content_block_delta' ? data.delta.type : name))).to.deep.equal([
      'message_start',
      'ping',
      'content_block_start',
      'text_delta',
      'content_block_stop',
      'content_block_start',
      'input_json_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[5]![1].content_block).to.deep.equal({ type: 'tool_use', id: 'toolu_x', name: 'lookup', input: {} });
    expect(events[8]![1].delta.stop_reason).to.equal('tool_use');

    const plain = await post(server, { model, max_tokens: 10, messages: [user('x')] });
    expect(await plain.json()).to.deep.equal({
      id: 'msg_scripted_2',
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'text', text: 'Plain' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 3, output_tokens: 1 },
    });
    await server.close();
  });

  it('answers what Anthropic rejects with its 400 / 401 and records the problem, so close() throws', async () => {
    server = await ScriptedAnthropicServer.start({ script: [anthropicReply.text('never played')] });
    const invalid = await post(server, { model, stream_options: { include_usage: true }, messages: [user('x')] });
    expect(invalid.status).to.equal(400);
    const body = (await invalid.json()) as any;
    expect(body.error.type).to.equal('invalid_request_error');
    expect(body.error.message).to.contain('stream_options: Extra inputs are not permitted').and.contain('max_tokens: Field required');

    const unanswered = await post(server, {
      model,
      max_tokens: 10,
      messages: [user('x'), { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'a', input: {} }] }, user('y')],
    });
    expect(((await unanswered.json()) as any).error.message).to.contain('`tool_use` ids were found without `tool_result` blocks immediately after: t1');

    const anonymous = await post(server, { model, max_tokens: 10, messages: [user('x')] }, { 'anthropic-version': '2023-06-01' });
    expect([anonymous.status, ((await anonymous.json()) as any).error.type]).to.deep.equal([401, 'authentication_error']);

    expect(server.pending).to.equal(1);
    const error = await rejectionOf(server.close());
    expect(error).to.be.instanceOf(ScriptError);
    expect(error.message).to.match(/stream_options: Extra inputs are not permitted/).and.match(/1 scripted reply was never requested/);
  });

  it('rejects a tool turn whose thinking blocks were dropped or changed while thinking is enabled, as Anthropic does', async () => {
    server = await ScriptedAnthropicServer.start({ script: [anthropicReply.toolUse(toolUse('lookup', { q: 'a' }, { id: 'toolu_1' }), { thinking: 'Let me look.' })] });
    const client = server.client();
    const params = { model, tools: [{ type: 'function' as const, function: { name: 'lookup' } }], thinking: { type: 'enabled', budget_tokens: 1024 } };
    const first = await client.chat.completions.create({ ...params, messages: [user('x')] } as any);
    const assistant = first.choices[0]!.message as any;
    const history = (message: object): ChatCompletionMessageParam[] => [
      user('x'),
      { role: 'assistant', content: null, tool_calls: assistant.tool_calls, ...message },
      { role: 'tool', tool_call_id: 'toolu_1', content: 'found' },
    ];

    const dropped = await rejectionOf(client.chat.completions.create({ ...params, messages: history({}) } as any));
    expect(dropped).to.be.instanceOf(BadRequestError);
    expect(dropped.message).to.contain('messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`');
    const changed = [{ ...assistant.thinking_blocks[0], thinking: 'Something else.' }];
    const tampered = await rejectionOf(client.chat.completions.create({ ...params, messages: history({ thinking_blocks: changed }) } as any));
    expect(tampered.message).to.contain('messages.1.content.0: Invalid `signature` in `thinking` block');

    server.enqueue(anthropicReply.text('Found.'));
    const kept = await client.chat.completions.create({ ...params, messages: history({ thinking_blocks: assistant.thinking_blocks }) } as any);
    expect(kept.choices[0]!.message.content).to.equal('Found.');
    expect(server.problems).to.have.length(2);
  });

  it('fails loudly on unexpected paths and on requests beyond the script', async () => {
    server = await ScriptedAnthropicServer.start({ script: [] });
    const wrongPath = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', body: '{}' });
    expect(wrongPath.status).to.equal(404);
    const beyond = await post(server, { model, max_tokens: 10, messages: [user('x')] });
    expect(beyond.status).to.equal(500);
    const error = await rejectionOf(server.close());
    expect(error.message).to.equal(
      'ScriptedAnthropicServer: request 1: unexpected POST /v1/chat/completions (only POST /v1/messages is served); request 2 arrived but the script has no reply left.',
    );
  });
});
