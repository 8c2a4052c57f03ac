import type { INestApplication } from '@nestjs/common';
import { expect } from 'chai';
import { RunStateStore } from 'chat-cmpl-stream-handler/nest';
import { reply, toolCall, type ScriptedChatServer } from 'chat-cmpl-stream-handler/testing';
import { ChatAuditLog } from '../../examples/nest-app/audit/chat-audit-log.js';
import { OrdersRepository } from '../../examples/nest-app/orders/orders.repository.js';
import { startExampleApp, type ExampleApp } from './fixtures/http-app.js';
import { parseSse, postChat, postDecisions, tokensOf, type SseEvent } from './fixtures/sse.js';

const REFUND_ARGS = { orderId: 'ord_1002', reason: 'damaged' };

describe('nest: example app, approval over HTTP (approval event, POST /chat/:runId/decisions)', () => {
  let server: ScriptedChatServer;
  let app: INestApplication;
  let url: string;
  let example: ExampleApp;

  beforeEach(async () => {
    example = await startExampleApp();
    ({ app, url, model: server } = example);
  });
  afterEach(async () => example.close());

  const refunds = () => app.get(OrdersRepository).refunds;

  /** Asks for a refund; the scripted model calls refund_order, which waits. Returns the approval event's data. */
  async function askForRefund(userId = 'cus_7'): Promise<{ runId: string; calls: { callId: string; toolName: string; arguments: unknown }[] }> {
    server.enqueue(reply.toolCalls(toolCall('orders__refund_order', REFUND_ARGS, { id: 'call_refund' })));
    const response = await postChat(url, { message: 'Refund ord_1002, it arrived damaged.' }, userId);
    const body = await response.text();
    // The state (history, signature) stays on the server: only the run id and the calls reach the client.
    expect(body).to.not.contain('signature').and.not.contain('messages');
    const events = parseSse(body);
    expect(events.map((e) => e.event)).to.deep.equal(['approval']);
    return events[0]!.data;
  }

  async function decide(runId: string, decisions: unknown, userId = 'cus_7'): Promise<{ status: number; events: SseEvent[]; error: any }> {
    const response = await postDecisions(url, runId, { decisions }, userId);
    if (response.status !== 200) return { status: response.status, events: [], error: await response.json() };
    return { status: 200, events: parseSse(await response.text()), error: undefined };
  }

  it('streams an approval event for the call that waits; Approve runs the refund once, as the signed-in customer, and streams the answer', async () => {
    const approval = await askForRefund();
    expect(approval.runId).to.match(/^[0-9a-f-]{36}$/);
    expect(approval.calls).to.deep.equal([{ callId: 'call_refund', toolName: 'orders__refund_order', arguments: REFUND_ARGS }]);
    expect(refunds()).to.deep.equal([]);

    const answer = 'Your refund of $89.00 is on its way.';
    server.enqueue(reply.text(answer, { chunkSize: 7 }));
    const { status, events } = await decide(approval.runId, [{ callId: 'call_refund', approve: true }]);
    expect(status).to.equal(200);
    expect(events.map((e) => e.event).filter((name) => name !== 'token')).to.deep.equal(['tool_call', 'tool_result', 'done']);
    expect(events[1]!.data.content).to.equal('Refunded $89.00 for ord_1002 (Coffee grinder); reason: damaged.');
    expect(tokensOf(events)).to.equal(answer);
    expect(refunds()).to.deep.equal([{ orderId: 'ord_1002', customerId: 'cus_7', amountCents: 8900, reason: 'damaged' }]);
    expect(app.get(ChatAuditLog).entries).to.deep.equal([{ userId: 'cus_7', tool: 'orders__refund_order', ok: true }]);
    // The resumed request continues the same conversation: the model sees the refund's result after its own call.
    const messages = server.bodies[1].messages;
    expect(messages.at(-2).tool_calls[0].id).to.equal('call_refund');
    expect(messages.at(-1)).to.deep.include({ role: 'tool', tool_call_id: 'call_refund' });
  });

  it('Reject: the refund never runs, the model is told, and the answer streams', async () => {
    const approval = await askForRefund();
    server.enqueue(reply.text('All right, no refund.'));
    const { status, events } = await decide(approval.runId, [{ callId: 'call_refund', reject: true, message: 'The customer declined the refund.' }]);
    expect(status).to.equal(200);
    expect(events.map((e) => e.event).filter((name) => name !== 'token')).to.deep.equal(['tool_failed', 'done']);
    expect(events[0]!.data).to.deep.equal({ id: 'call_refund', name: 'orders__refund_order', message: 'The customer declined the refund.' });
    expect(events.at(-1)!.data.content).to.equal('All right, no refund.');
    expect(refunds()).to.deep.equal([]);
    expect(server.bodies[1].messages.at(-1)).to.deep.include({ role: 'tool', content: 'The customer declined the refund.' });
  });

  it('answers bad decisions with 400/401/403/404 and the reason, and the run still resumes afterwards', async () => {
    const { runId } = await askForRefund();
    const unknownCall = await decide(runId, [{ callId: 'call_other', approve: true }]);
    expect(unknownCall).to.deep.include({ status: 400 });
    expect(unknownCall.error).to.deep.equal({
      statusCode: 400,
      error: 'Bad Request',
      code: 'invalid_decisions',
      message: 'Call "call_other" does not wait for approval in this state. Calls waiting: call_refund (orders__refund_order).',
    });
    const twice = await decide(runId, [{ callId: 'call_refund', approve: true }, { callId: 'call_refund', reject: true }]);
    expect(twice.error).to.deep.include({ statusCode: 400, message: 'Call call_refund was already approved; a call takes one decision.' });
    const otherUser = await decide(runId, [{ callId: 'call_refund', approve: true }], 'cus_9');
    expect(otherUser.error).to.deep.equal({
      statusCode: 403,
      error: 'Forbidden',
      code: 'forbidden',
      message: `Run ${runId} belongs to another user: only the user who started it can decide its calls.`,
    });
    const unknownRun = await decide('3a1e2f4c-0000-4000-8000-000000000000', [{ callId: 'call_refund', approve: true }]);
    expect(unknownRun.error).to.deep.equal({
      statusCode: 404,
      error: 'Not Found',
      code: 'unknown_run',
      message: 'No run "3a1e2f4c-0000-4000-8000-000000000000" waits for decisions: it never waited for approval, or it expired.',
    });
    const malformed = await postDecisions(url, runId, { decisions: 'approve all', extra: 1 }, 'cus_7');
    expect(malformed.status).to.equal(400);
    expect(((await malformed.json()) as { message: string[] }).message).to.include.members(['property extra should not exist', 'decisions must be an array']);
    const anonymous = await postDecisions(url, runId, { decisions: [{ callId: 'call_refund', approve: true }] }, undefined);
    expect(anonymous.status).to.equal(401);
    expect(refunds()).to.deep.equal([]);
    expect(server.requests).to.have.length(1);

    server.enqueue(reply.text('Refunded.'));
    expect((await decide(runId, [{ callId: 'call_refund', approve: true }])).status).to.equal(200);
    expect(refunds()).to.have.length(1);
  });

  it('a second decision for the call, or any decision for the finished run, is 409; the refund ran once', async () => {
    const { runId } = await askForRefund();
    server.enqueue(reply.text('Refunded.'));
    expect((await decide(runId, [{ callId: 'call_refund', approve: true }])).status).to.equal(200);
    const again = await decide(runId, [{ callId: 'call_refund', approve: true }]);
    expect(again.error).to.deep.equal({
      statusCode: 409,
      error: 'Conflict',
      code: 'already_decided',
      message: `Call call_refund of run ${runId} was already approved; a call takes one decision.`,
    });
    const finished = await decide(runId, [{ callId: 'call_late', reject: true }]);
    expect(finished.error).to.deep.include({ statusCode: 409, code: 'run_ended' });
    expect(refunds()).to.have.length(1);
  });

  it('a double-clicked Approve (two requests at once): one streams the run, the other gets 409, and the refund runs once', async () => {
    const { runId } = await askForRefund();
    server.enqueue(reply.text('Refunded.', { delayMs: 5 }));
    const results = await Promise.all([1, 2].map(() => decide(runId, [{ callId: 'call_refund', approve: true }])));
    expect(results.map((r) => r.status).sort()).to.deep.equal([200, 409]);
    const refused = results.find((r) => r.status === 409)!.error;
    expect(['already_resumed', 'already_decided']).to.include(refused.code);
    expect(results.find((r) => r.status === 200)!.events.at(-1)!.event).to.equal('done');
    expect(refunds()).to.have.length(1);
  });

  it('a stored state from another library version is 409 state_unusable, named, and kept as it was', async () => {
    const { runId } = await askForRefund();
    const store = app.get(RunStateStore);
    const stored = (await store.load(runId))!;
    const old = { ...stored, revision: 'written-by-v0', state: { ...stored.state!, version: 0 } };
    expect(await store.save(runId, old, stored.revision)).to.equal(true);
    const kept = await store.load(runId);
    const { error } = await decide(runId, [{ callId: 'call_refund', approve: true }]);
    expect(error).to.deep.include({ statusCode: 409, code: 'state_unusable' });
    expect(error.message).to.contain(`Run ${runId} cannot be resumed by this server: This run state has format version 0`);
    expect(await store.load(runId)).to.deep.equal(kept);
    expect(refunds()).to.deep.equal([]);
  });
});
