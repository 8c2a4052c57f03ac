import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { parseSse, postChat, postDecisions, tokensOf } from './fixtures/sse.js';

const MAIN = fileURLToPath(new URL('../../examples/nest-app/main.js', import.meta.url));

/** Starts the compiled example like a user would (no OPENAI_API_KEY, any free port) and resolves with its URL once it has printed how to try it. */
async function startExample(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0' };
  delete env['OPENAI_API_KEY'];
  const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the example did not start within 10 s:\n${output}`)), 10_000);
    const check = () => {
      // The last line printed at startup.
      const match = /curl -N -X POST (http:\/\/127\.0\.0\.1:\d+)\/chat .*\n/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the example exited with ${code}:\n${output}`));
    });
  });
  return { child, url, output: () => output };
}

describe('nest: the example app as a process (node build/examples/nest-app/main.js)', () => {
  let child: ChildProcess | undefined;

  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    child = undefined;
  });

  it('starts on the demo model without an API key, prints how to try it, streams a chat, pauses a refund for approval, serves the chat page, and stops on SIGTERM', async () => {
    const started = await startExample();
    child = started.child;
    expect(started.output()).to.contain(`Chat API listening on ${started.url} using the demo model (ScriptedChatServer at http://127.0.0.1:`);
    expect(started.output()).to.contain(`curl -N -X POST ${started.url}/chat -H 'content-type: application/json' -H 'x-user-id: cus_7'`);

    const response = await postChat(started.url, { message: 'Please cancel my order ord_1001, I changed my mind.' }, 'cus_7');
    expect(response.headers.get('content-type')).to.equal('text/event-stream; charset=utf-8');
    const events = parseSse(await response.text());
    expect(events.map((e) => e.event).filter((name) => name !== 'token')).to.deep.equal(['tool_call', 'tool_result', 'done']);
    expect(events[1]!.data.content).to.equal('Cancelled ord_1001 (Espresso machine); reason: changed_mind.');
    expect(tokensOf(events)).to.equal('Cancelled ord_1001 (Espresso machine); reason: changed_mind.');
    expect(events.at(-1)!.data.content).to.equal(tokensOf(events));

    const listed = parseSse(await (await postChat(started.url, { message: 'What did I order?' }, 'cus_9')).text());
    expect(listed.at(-1)!.data.content).to.equal('Your order: ord_2001: Milk frother (processing).');
    expect(started.output()).to.contain('cus_7 called orders__cancel_order');

    // The demo model asks for a refund, which waits for the customer's approval.
    const approval = parseSse(await (await postChat(started.url, { message: 'Please refund order ord_1002, it arrived damaged.' }, 'cus_7')).text());
    expect(approval.map((e) => e.event)).to.deep.equal(['approval']);
    const { runId, calls } = approval[0]!.data;
    expect(calls).to.deep.equal([{ callId: calls[0].callId, toolName: 'orders__refund_order', arguments: { orderId: 'ord_1002', reason: 'damaged' } }]);
    const resumed = parseSse(await (await postDecisions(started.url, runId, { decisions: [{ callId: calls[0].callId, approve: true }] }, 'cus_7')).text());
    expect(resumed.at(-1)).to.deep.equal({
      event: 'done',
      data: { content: 'Refunded $89.00 for ord_1002 (Coffee grinder); reason: damaged.', usage: resumed.at(-1)!.data.usage },
    });
    expect(started.output()).to.contain('cus_7 called orders__refund_order');

    // The chat page and its files, found from the compiled app.
    const page = await fetch(`${started.url}/`);
    expect(page.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).to.equal("default-src 'self'");
    expect(await page.text()).to.contain('<script type="module" src="/chat.js"></script>');
    const script = await fetch(`${started.url}/chat.js`);
    expect(script.headers.get('content-type')).to.equal('text/javascript; charset=utf-8');
    expect(await script.text()).to.contain('/decisions');
    expect((await fetch(`${started.url}/chat.css`)).status).to.equal(200);

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code, signal] = await exited;
    expect({ code, signal }).to.satisfy(({ code, signal }: { code: number | null; signal: string | null }) => code === 0 || signal === 'SIGTERM');
  });
});
