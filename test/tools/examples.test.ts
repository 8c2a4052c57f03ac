import { expect } from 'chai';
import { runExample } from '../support/run-example.js';

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
