import { SpanStatusCode } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
} from '@opentelemetry/semantic-conventions/incubating';
import { expect } from 'chai';
import { FunctionTool, streamUntilUserInput } from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { rejectionOf, user } from '../support/helpers.js';
import { exported, OtelSdk } from './fixtures/otel.js';

// Every piece of content of the conversation below: none may reach a span unless captureContent is on.
const SECRETS = ['Jane Roe', 'passport X1234567', 'Confidential system prompt', 'Booked flight ZZ-981', 'ticket-code-4411', 'seat 12A', 'refund card 4000'];

describe('telemetry: prompts and outputs only with captureContent', () => {
  let server: ScriptedChatServer;
  let sdk: OtelSdk;
  beforeEach(() => {
    sdk = new OtelSdk();
  });
  afterEach(async () => {
    await server?.close({ force: true });
    await sdk.shutdown();
  });

  const book = new FunctionTool({
    name: 'book_flight',
    parameters: { type: 'object', properties: { passenger: { type: 'string' } }, required: ['passenger'], additionalProperties: false },
    execute: ({ passenger }: { passenger: string }) => `ticket-code-4411 for ${passenger}`,
  });
  const refund = new FunctionTool({ name: 'refund', execute: () => Promise.reject(new Error('refund card 4000 declined')) });

  async function run(captureContent: boolean) {
    server = await ScriptedChatServer.start({
      script: [
        reply.toolCalls([toolCall('book_flight', { passenger: 'Jane Roe, passport X1234567' }, { id: 'call_book' }), toolCall('refund', {}, { id: 'call_refund' })]),
        reply.text('Booked flight ZZ-981, seat 12A.'),
        reply.httpError(400, { message: 'Jane Roe passport X1234567 rejected by the moderation filter' }),
      ],
    });
    const options = { client: server.client(), model: 'm', tools: [book, refund], instructions: 'Confidential system prompt', telemetry: sdk.options({ captureContent }) };
    const result = await streamUntilUserInput({ ...options, messages: [user('Book a flight for Jane Roe, passport X1234567')] });
    await rejectionOf(streamUntilUserInput({ ...options, messages: result.toInputList() }));
  }

  it('off (the default): no message, argument, result or error text in any attribute, status or event', async () => {
    await run(false);
    expect(sdk.spans().map((span) => span.name).sort()).to.deep.equal(
      ['chat m', 'chat m', 'chat m', 'execute_tool book_flight', 'execute_tool refund', 'invoke_agent', 'invoke_agent'],
    );
    for (const span of sdk.spans()) {
      const text = exported(span);
      for (const secret of SECRETS) expect(text, `${span.name} leaks "${secret}"`).to.not.contain(secret);
      expect(span.events).to.deep.equal([]);
      expect(span.status.message).to.equal(undefined);
    }
    expect(sdk.spans().some((span) => span.status.code === SpanStatusCode.ERROR)).to.equal(true);
  });

  it('on: input and output messages in the conventions’ JSON shape, tool arguments and results, error messages and exceptions', async () => {
    await run(true);
    const [firstChat, secondChat] = sdk.spans().filter((span) => span.name === 'chat m');
    expect(JSON.parse(firstChat!.attributes[ATTR_GEN_AI_INPUT_MESSAGES] as string)).to.deep.equal([
      { role: 'system', parts: [{ type: 'text', content: 'Confidential system prompt' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Book a flight for Jane Roe, passport X1234567' }] },
    ]);
    expect(JSON.parse(firstChat!.attributes[ATTR_GEN_AI_OUTPUT_MESSAGES] as string)).to.deep.equal([
      {
        role: 'assistant',
        parts: [
          { type: 'tool_call', id: 'call_book', name: 'book_flight', arguments: { passenger: 'Jane Roe, passport X1234567' } },
          { type: 'tool_call', id: 'call_refund', name: 'refund', arguments: {} },
        ],
        finish_reason: 'tool_calls',
      },
    ]);
    const secondInput = JSON.parse(secondChat!.attributes[ATTR_GEN_AI_INPUT_MESSAGES] as string);
    expect(secondInput.slice(3)).to.deep.equal([
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_book', response: 'ticket-code-4411 for Jane Roe, passport X1234567' }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_refund', response: 'Error: tool "refund" failed: refund card 4000 declined' }] },
    ]);
    expect(JSON.parse(secondChat!.attributes[ATTR_GEN_AI_OUTPUT_MESSAGES] as string)).to.deep.equal([
      { role: 'assistant', parts: [{ type: 'text', content: 'Booked flight ZZ-981, seat 12A.' }], finish_reason: 'stop' },
    ]);

    const booked = sdk.span('execute_tool book_flight');
    expect(JSON.parse(booked.attributes[ATTR_GEN_AI_TOOL_CALL_ARGUMENTS] as string)).to.deep.equal({ passenger: 'Jane Roe, passport X1234567' });
    expect(booked.attributes[ATTR_GEN_AI_TOOL_CALL_RESULT]).to.equal('ticket-code-4411 for Jane Roe, passport X1234567');
    const refunded = sdk.span('execute_tool refund');
    expect(refunded.status).to.deep.equal({ code: SpanStatusCode.ERROR, message: 'refund card 4000 declined' });
    expect(refunded.events.map((event) => [event.name, event.attributes?.['exception.message']])).to.deep.equal([['exception', 'refund card 4000 declined']]);

    const [firstRun, failedRun] = sdk.spans().filter((span) => span.name === 'invoke_agent');
    expect(JSON.parse(firstRun!.attributes[ATTR_GEN_AI_INPUT_MESSAGES] as string)).to.deep.equal([
      { role: 'user', parts: [{ type: 'text', content: 'Book a flight for Jane Roe, passport X1234567' }] },
    ]);
    expect(JSON.parse(firstRun!.attributes[ATTR_GEN_AI_OUTPUT_MESSAGES] as string)[0].parts).to.deep.equal([{ type: 'text', content: 'Booked flight ZZ-981, seat 12A.' }]);
    expect(failedRun!.status.message).to.contain('rejected by the moderation filter');
  });
});
