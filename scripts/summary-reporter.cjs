'use strict';
// Mocha's spec reporter plus the one line CI reads: `tests: N passed, N failed`.
// A pending (skipped) test is counted as failed: a skipped case must never pass silently.
const Mocha = require('mocha');
const { Spec } = Mocha.reporters;
const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const { passes, failures, pending } = this.stats;
      // Spec prints its epilogue on the same event; print after it.
      process.nextTick(() => {
        if (pending > 0) console.log(`${pending} pending test(s) counted as failed`);
        console.log(`tests: ${passes} passed, ${failures + pending} failed`);
      });
    });
  }
}
module.exports = SummaryReporter;
