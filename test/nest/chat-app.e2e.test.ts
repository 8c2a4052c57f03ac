import type { INestApplication } from '@nestjs/common';
import { request as httpRequest } from 'node:http';
import { expect } from 'chai';
import { reply, toolCall, type ScriptedChatServer } from 'chat-cmpl-stream-handler/testing';
import { SUPPORT_INSTRUCTIONS } from '../../examples/nest-app/app.module.js';
import { ChatAuditLog } from '../../examples/nest-app/audit/chat-audit-log.js';
import { OrdersRepository } from '../../examples/nest-app/orders/orders.repository.js';
import { sleep } from '../support/helpers.js';
import { startExampleApp, type ExampleApp } from './fixtures/http-app.js';
import { parseSse, postChat, tokensOf } from './fixtures/sse.js';

describe('nest: example app, POST /chat over HTTP (e2e)', () => {
  let server: ScriptedChatServer;
  let app: INestApplication;
  let url: string;
  let example: ExampleApp;

  beforeEach(async () => {
    example = await startExampleApp();
    ({ app, url, model: server } = example);
  });
  afterEach(async () => example.close());

  it("streams tool progress, tokens and a final done event; the signed-in user reaches the tool and the audit hook", async () => {
    const answer = 'Your espresso machine order ord_1001 is cancelled.';
    server.enqueue(
      reply.toolCalls(toolCall('orders__cancel_order', { orderId: 'ord_1001', reason: 'changed_mind', note: null })),
      reply.text(answer, { chunkSize: 5 }),
    );
    const response = await postChat(url, { message: 'Cancel ord_1001 please, I changed my mind.' }, 'cus_7');
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('text/event-stream; charset=utf-8');
    const events = parseSse(await response.text());

    expect(events.map((e) => e.event).filter((name) => name !== 'token')).to.deep.equal(['tool_call', 'tool_result', 'done']);
    expect(events[0]!.data).to.deep.include({ name: 'orders__cancel_order' });
    expect(JSON.parse(events[0]!.data.arguments)).to.deep.equal({ orderId: 'ord_1001', reason: 'changed_mind', note: null });
    expect(events[1]!.data).to.deep.include({ name: 'orders__cancel_order', content: 'Cancelled ord_1001 (Espresso machine); reason: changed_mind.' });
    expect(events.filter((e) => e.event === 'token')).to.have.length(Math.ceil(answer.length / 5));
    expect(tokensOf(events)).to.equal(answer);
    const done = events.at(-1)!.data;
    expect(done.content).to.equal(answer);
    expect(done.usage.prompt_tokens).to.be.greaterThan(0);
    expect(done.usage.total_tokens).to.equal(done.usage.prompt_tokens + done.usage.completion_tokens);

    expect(app.get(OrdersRepository).findForCustomer('ord_1001', 'cus_7')?.status).to.equal('cancelled');
    expect(app.get(ChatAuditLog).entries).to.deep.equal([{ userId: 'cus_7', tool: 'orders__cancel_order', ok: true }]);
    const first = server.bodies[0];
    expect(first.model).to.equal('gpt-e2e');
    expect(first.messages[0]).to.deep.equal({ role: 'system', content: SUPPORT_INSTRUCTIONS });
    expect(first.tools.map((tool: any) => tool.function.name)).to.deep.equal(['orders__list_orders', 'orders__lookup_order', 'orders__cancel_order', 'orders__refund_order']);
  });

  it("keeps customers apart: the request's user, not the model, decides whose orders a tool sees", async () => {
    server.enqueue(
      reply.toolCalls(toolCall('orders__cancel_order', { orderId: 'ord_1001', reason: 'changed_mind', note: null })),
      reply.text('I could not find that order.'),
    );
    const events = parseSse(await (await postChat(url, { message: 'Cancel ord_1001.' }, 'cus_9')).text());
    expect(events.find((e) => e.event === 'tool_failed')!.data).to.deep.include({ name: 'orders__cancel_order', message: 'No order ord_1001 for this customer.' });
    expect(app.get(OrdersRepository).findForCustomer('ord_1001', 'cus_7')?.status).to.equal('processing');
    expect(app.get(ChatAuditLog).entries).to.deep.equal([{ userId: 'cus_9', tool: 'orders__cancel_order', ok: false }]);
  });

  it('serves concurrent chats of two customers, each with their own orders', async () => {
    const fromRequest = reply.dynamic((request) => {
      const last = request.body.messages.at(-1);
      if (last.role === 'tool') return reply.text(`Orders: ${JSON.parse(last.content).map((order: { id: string }) => order.id).join(', ')}`, { delayMs: 2 });
      return reply.toolCalls(toolCall('orders__list_orders', {}));
    });
    server.enqueue(fromRequest, fromRequest, fromRequest, fromRequest);
    const [seven, nine] = await Promise.all(
      ['cus_7', 'cus_9'].map(async (userId) => parseSse(await (await postChat(url, { message: 'What did I order?' }, userId)).text())),
    );
    expect(seven!.at(-1)).to.deep.include({ event: 'done' });
    expect(seven!.at(-1)!.data.content).to.equal('Orders: ord_1001, ord_1002');
    expect(nine!.at(-1)!.data.content).to.equal('Orders: ord_2001');
  });

  it('ends the stream with an error event when the model fails', async () => {
    server.enqueue(reply.httpError(500, { message: 'upstream exploded' }));
    const response = await postChat(url, { message: 'Hello?' }, 'cus_7');
    expect(response.status).to.equal(200);
    const events = parseSse(await response.text());
    expect(events).to.have.length(1);
    expect(events[0]!.event).to.equal('error');
    expect(events[0]!.data.message).to.contain('upstream exploded');
  });

  it('aborts the model request when the client disconnects', async () => {
    server.enqueue(reply.text('x'.repeat(400), { chunkSize: 2, delayMs: 10 }));
    // node:http rather than fetch: after an abort, fetch's pool opens a spare connection that would keep app.close() waiting.
    const firstChunk = await new Promise<string>((resolve, reject) => {
      const request = httpRequest(`${url}/chat`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-user-id': 'cus_7' } }, (response) => {
        response.once('data', (chunk: Buffer) => {
          request.destroy();
          resolve(chunk.toString());
        });
      });
      request.on('error', reject);
      request.end(JSON.stringify({ message: 'Tell me a long story.' }));
    });
    expect(firstChunk).to.contain('event: token');
    for (let waited = 0; !server.requests[0]!.closedEarly && waited < 2000; waited += 20) await sleep(20);
    expect(server.requests[0]!.closedEarly).to.equal(true);
  });

  it('answers 401 without a user and 400 for a malformed body, before asking the model anything', async () => {
    const anonymous = await postChat(url, { message: 'Hi' }, undefined);
    expect(anonymous.status).to.equal(401);
    expect(((await anonymous.json()) as { message: string }).message).to.equal('Send the x-user-id header with a customer id, e.g. x-user-id: cus_7.');
    const malformed = await postChat(url, { message: '', extra: true }, 'cus_7');
    expect(malformed.status).to.equal(400);
    expect(((await malformed.json()) as { message: string[] }).message).to.include.members(['property extra should not exist', 'message should not be empty']);
    expect(server.requests).to.have.length(0);
  });
});
