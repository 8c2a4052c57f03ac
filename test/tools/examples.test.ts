import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs a compiled example against its built-in ScriptedChatServer (no API key in its environment). */
async function runExample(name: string): Promise<string> {
  const path = fileURLToPath(new URL(`../../examples/${name}.js`, import.meta.url));
  const env = { ...process.env };
  delete env['OPENAI_API_KEY'];
  const { stdout } = await run(process.execPath, [path], { env, timeout: 15_000 });
  return stdout;
}

describe('decorator examples', () => {
  it('toolset-service: a service with an injected repository; the model corrects an invalid argument', async () => {
    const output = await runExample('toolset-service');
    expect(output).to.contain('[failed]  Invalid arguments for tool "orders__cancel_order":');
    expect(output).to.contain('- reason: must be one of the following values: changed_mind, found_cheaper, too_slow (isIn)');
    expect(output).to.contain('[result]  Cancelled ord_1001 (Espresso machine); reason: changed_mind, note: No longer needed.');
    expect(output).to.contain('Order status now: cancelled; 4 model requests.');
  });

  it('structured-output: the answer becomes a validated Outlook instance', async () => {
    const output = await runExample('structured-output');
    expect(output).to.contain('"additionalProperties": false');
    expect(output).to.contain('Lisbon: hottest day Tuesday at 23°C (cloudy).');
    expect(output).to.contain('No warning.');
  });
});
