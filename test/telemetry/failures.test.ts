import { context, ROOT_CONTEXT, type ContextManager, type Span, type Tracer } from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { expect } from 'chai';
import sinon from 'sinon';
import { FunctionTool, streamUntilUserInput, type TelemetryOptions } from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { user } from '../support/helpers.js';
import { OtelSdk } from './fixtures/otel.js';

describe('telemetry: its own failures never fail a run', () => {
  let server: ScriptedChatServer;
  let sdk: OtelSdk | undefined;
  let warn: sinon.SinonStub;
  let invocations: number;
  const lookup = new FunctionTool({
    name: 'lookup',
    execute: () => {
      invocations++;
      return 'found';
    },
  });

  beforeEach(async () => {
    invocations = 0;
    warn = sinon.stub(console, 'warn');
    server = await ScriptedChatServer.start();
  });
  afterEach(async () => {
    warn.restore();
    await server.close({ force: true });
    await sdk?.shutdown();
    sdk = undefined;
  });

  /** Runs a one-tool conversation twice and checks both runs completed as without telemetry. */
  async function runTwice(telemetry: TelemetryOptions | true): Promise<void> {
    invocations = 0;
    for (let i = 0; i < 2; i++) {
      server.enqueue(reply.toolCalls(toolCall('lookup', {})), reply.text('All good.'));
      const result = await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('look')], tools: [lookup], telemetry });
      expect(result.finalContent).to.equal('All good.');
    }
    expect(invocations).to.equal(2);
  }

  const warnings = () => warn.getCalls().map((call) => String(call.args[0]));

  it('a tracer that throws: the runs complete untraced, one warning', async () => {
    const tracer = { startSpan: () => { throw new Error('tracer broke'); } } as unknown as Tracer;
    await runTwice({ tracer });
    expect(warnings()).to.have.length(1);
    expect(warnings()[0]).to.contain('an OpenTelemetry call failed and was skipped; the run goes on without it (Error: tracer broke)');
  });

  it('spans that throw on some calls: the runs complete, the other spans are still exported, one warning', async () => {
    sdk = new OtelSdk();
    const real = sdk.tracer;
    const tracer = {
      startSpan(name: string, options: unknown, parent: unknown): Span {
        const span = real.startSpan(name, options as never, parent as never);
        if (name.startsWith('chat')) span.setAttributes = () => { throw new Error('span broke'); };
        return span;
      },
    } as unknown as Tracer;
    await runTwice({ tracer, meter: sdk.meter });
    expect(sdk.spans().map((span) => span.name)).to.deep.equal(['execute_tool lookup', 'invoke_agent', 'execute_tool lookup', 'invoke_agent']);
    expect(warnings()).to.have.length(1);
    expect(warnings()[0]).to.contain('span broke');
  });

  it('an exporter that throws: the runs complete', async () => {
    const exporter: SpanExporter = {
      export(_spans: ReadableSpan[], _done: unknown) {
        throw new Error('exporter broke');
      },
      async shutdown() {},
    };
    sdk = new OtelSdk({ exporter });
    await runTwice(sdk.options());
    // The SDK's span processor exports after the span ended and hands export errors to its own error handler.
    expect(warnings()).to.deep.equal([]);
  });

  it('a meter that throws (creating or recording): the runs complete, spans are still recorded, one warning per meter', async () => {
    sdk = new OtelSdk();
    const brokenCreate = { createHistogram: () => { throw new Error('meter broke'); } };
    await runTwice({ tracer: sdk.tracer, meter: brokenCreate });
    const brokenRecord = { createHistogram: () => ({ record: () => { throw new Error('histogram broke'); } }) };
    await runTwice({ tracer: sdk.tracer, meter: brokenRecord });
    expect(sdk.spans().filter((span) => span.name === 'invoke_agent')).to.have.length(4);
    expect(warnings()).to.have.length(2);
    expect(warnings()[0]).to.contain('meter broke');
    expect(warnings()[1]).to.contain('histogram broke');
  });

  it('a context manager that throws: the runs complete, every tool ran exactly once', async () => {
    sdk = new OtelSdk({ contextManager: false });
    const broken: ContextManager = {
      active: () => ROOT_CONTEXT,
      with: () => { throw new Error('context manager broke'); },
      bind: (_context, target) => target,
      enable() { return this; },
      disable() { return this; },
    };
    context.setGlobalContextManager(broken);
    // (The SDK's own span processor needs the context manager too, so nothing is exported here.)
    await runTwice(sdk.options());
    expect(warnings()).to.have.length(1);
    expect(warnings()[0]).to.contain('context manager broke');
  });
});
