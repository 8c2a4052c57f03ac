import { expect } from 'chai';
import { runExample } from '../support/run-example.js';

describe('examples (run against their scripted servers, as in the README)', () => {
  it('quickstart: streams the answer, shows the tool call and result, the history and the usage', async () => {
    const output = await runExample('quickstart');
    expect(output).to.contain('No OPENAI_API_KEY: using the built-in ScriptedChatServer');
    expect(output).to.contain('[calling] get_weather({"city":"Tokyo"})');
    expect(output).to.contain('[result]  The weather in Tokyo is sunny and 25°C.');
    expect(output).to.contain('It is sunny and 25°C in Tokyo right now. Enjoy the day!');
    expect(output).to.match(/user {6}What's the weather in Tokyo\?\n {2}assistant \[\{"id":"call_1_0"[^\n]*\n {2}tool {6}The weather in Tokyo is sunny and 25°C\.\n {2}assistant It is sunny/);
    expect(output).to.match(/Request 1: \d+ tokens\nRequest 2: \d+ tokens\nTotal: \d+ tokens/);
  });

  it('approval: the paused run crosses to a second process as signed JSON; the refund runs once, the lookup is not repeated', async () => {
    const output = await runExample('approval');
    const pids = [...output.matchAll(/\[process (\d+)\]/g)].map((m) => m[1]);
    expect(new Set(pids).size).to.equal(2);
    expect(output).to.contain('Ran so far: lookup A-1002\n');
    expect(output).to.contain('Waiting for approval: refund_order({"order":"A-1002","amount":40})');
    expect(output).to.contain('signed: true');
    expect(output).to.contain('Ran after resuming: refund A-1002 40\n');
    expect(output).to.contain('Assistant: I have refunded 40.00 EUR on order A-1002.');
    expect(output).to.contain('Requests in the whole run: 2');
  });

  it('hooks-live: prints reasoning, arguments, tool progress and usage from decorated methods', async () => {
    const output = await runExample('hooks-live');
    expect(output).to.contain('── request 1 for ann (1 messages) ──');
    expect(output).to.contain('The user wants yen in euros. I should call the converter rather than guess the rate.');
    expect(output).to.contain('[convert_currency] {"amount":12000,"from":"JPY","to":"EUR"}  ✓ arguments complete');
    expect(output).to.match(/\[done in \d+ ms\] 12000 JPY = 73\.20 EUR/);
    expect(output).to.contain('12,000 yen is about 73.20 euros');
    expect(output).to.match(/Total: \d+ tokens in 2 requests\./);
  });

  it('mcp-stdio: server-everything as a child process, its tools called by the model', async () => {
    const output = await runExample('mcp-stdio');
    expect(output).to.contain('[tool] everything__get-sum({"a":19,"b":23}) -> The sum of 19 and 23 is 42.');
    expect(output).to.contain('[tool] everything__echo({"message":"hello over stdio"}) -> Echo: hello over stdio');
  });

  it('mcp-http: an in-process Streamable HTTP server receiving the run context', async () => {
    const output = await runExample('mcp-http');
    expect(output).to.contain('Order A-1002 (asked by user-7): processing; items: monitor, cable');
  });

  it('loop-control: a cut stream retried, a repeated call refused, a rate limit served by the fallback model, a stop after submit_report', async () => {
    const output = await runExample('loop-control');
    expect(output).to.contain('[retry 1] request 1 again to gpt-4.1-nano in ');
    expect(output).to.contain('after: terminated');
    expect(output).to.contain('[refused] Tool "search" was not called: the same call (same tool, same arguments) was just made 2 times in a row');
    expect(output).to.contain('[retry 1] request 4 again to gpt-4.1-mini in 0 ms, after: 429 Rate limit reached; try again in an hour.');
    expect(output).to.contain('answered by gpt-4.1-mini: submit_report');
    expect(output).to.contain('Final tool result: Report filed (44 characters): Tides follow the moon, with two highs a day.');
  });

  it('anthropic: Claude through AnthropicOpenAI with thinking kept across the tool turn', async () => {
    const output = await runExample('anthropic');
    expect(output).to.contain('It is sunny and 25°C in Tokyo right now.');
    expect(output).to.contain('Thinking blocks kept on the tool-calling turn: thinking');
  });

  it('telemetry: prints the span tree of the run (run span, chat and tool spans, the tool’s own span) with the console exporter', async () => {
    const output = await runExample('telemetry');
    expect(output).to.match(
      new RegExp(
        [
          String.raw`\ninvoke_agent weather-bot  \[INTERNAL, [\d.]+ ms\]  gen_ai.provider.name=openai gen_ai.agent.name=weather-bot gen_ai.usage.input_tokens=\d+ gen_ai.usage.output_tokens=\d+`,
          String.raw`├─ chat gpt-4.1-nano  \[CLIENT, [\d.]+ ms\]  gen_ai.provider.name=openai gen_ai.response.finish_reasons=tool_calls gen_ai.response.id=chatcmpl-scripted-1 [^\n]*`,
          String.raw`├─ execute_tool get_weather  \[INTERNAL, [\d.]+ ms\]  gen_ai.tool.call.id=call_1_0`,
          String.raw`│  └─ weather-api GET /current  \[INTERNAL, [\d.]+ ms\]`,
          String.raw`└─ chat gpt-4.1-nano  \[CLIENT, [\d.]+ ms\]  gen_ai.provider.name=openai gen_ai.response.finish_reasons=stop gen_ai.response.id=chatcmpl-scripted-2 [^\n]*\n`,
        ].join('\n'),
      ),
    );
    expect(output).to.contain('Answer: It is sunny and 25°C in Tokyo.');
  });
});
