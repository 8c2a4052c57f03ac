import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';

const DENY_HOOKS = new URL('../nest/fixtures/deny-modules-hooks.js', import.meta.url).href;
const run = promisify(execFile);

/** The part of both scripts that runs the package: a run without telemetry, then one with `telemetry`. */
const SCENARIO = `
  const server = await ScriptedChatServer.start({ script: [reply.text('a'), reply.text('b')] });
  const messages = [{ role: 'user', content: 'hi' }];
  report('after import');
  await core.streamUntilUserInput({ client: server.client(), model: 'm', messages });
  report('after a run without telemetry');
  try {
    await core.streamUntilUserInput({ client: server.client(), model: 'm', messages, telemetry: await telemetryOption() });
    report('after a run with telemetry');
  } catch (error) {
    console.log('run with telemetry failed:', error.name, error instanceof core.TelemetryUnavailableError, error.message);
    console.log('requests sent:', server.requests.length);
  }
  await server.close({ force: true });`;

/** An ES module script (the ESM build); `deny` makes resolving `@opentelemetry/*` fail as if it were not installed. */
async function esm(deny: boolean): Promise<string> {
  const script = `
    import { register } from 'node:module';
    ${deny ? `register(${JSON.stringify(DENY_HOOKS)}, { data: { deny: ['@opentelemetry/'] } });` : ''}
    const core = await import('chat-cmpl-stream-handler');
    const { ScriptedChatServer, reply } = await import('chat-cmpl-stream-handler/testing');
    const report = (when) => console.log(when + ': ok');
    const telemetryOption = async () => true;
    ${SCENARIO}`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd(), timeout: 15_000 });
  return stdout;
}

/** A CommonJS script (the CommonJS build, as Node 20.0 runs it); `deny` makes requiring `@opentelemetry/*` fail. */
async function cjs(deny: boolean): Promise<string> {
  const script = `
    const Module = require('node:module');
    if (${deny}) {
      const resolve = Module._resolveFilename;
      Module._resolveFilename = function (request, ...rest) {
        if (request.startsWith('@opentelemetry/')) throw Object.assign(new Error("Cannot find module '" + request + "'"), { code: 'MODULE_NOT_FOUND' });
        return resolve.call(this, request, ...rest);
      };
    }
    const core = require('chat-cmpl-stream-handler');
    const { ScriptedChatServer, reply } = require('chat-cmpl-stream-handler/testing');
    const apiLoaded = () => Object.keys(require.cache).some((file) => /node_modules[\\\\/]@opentelemetry[\\\\/]api[\\\\/]/.test(file));
    const report = (when) => console.log(when + ': @opentelemetry/api ' + (apiLoaded() ? 'loaded' : 'not loaded'));
    let exporter;
    const telemetryOption = async () => {
      if (${deny}) return true;
      const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
      exporter = new InMemorySpanExporter();
      const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
      return { tracer: provider.getTracer('cjs-app') };
    };
    (async () => {
      ${SCENARIO}
      if (exporter) console.log('spans:', exporter.getFinishedSpans().map((span) => span.name).join(', '));
    })();`;
  const { stdout } = await run(process.execPath, ['--no-experimental-require-module', '-e', script], { cwd: process.cwd(), timeout: 15_000 });
  return stdout;
}

const MISSING_PEER =
  'run with telemetry failed: TelemetryUnavailableError true telemetry is on, but the optional peer dependency @opentelemetry/api could not be loaded';
const INSTALL_IT = 'Install it next to this package (npm install @opentelemetry/api, version >=1.9 <2), or turn telemetry off.';

describe('telemetry: @opentelemetry/api is an optional peer, loaded only when telemetry is on', () => {
  it('ESM: the core entry and runs without telemetry never resolve it; a run with telemetry without it fails before any request, saying to install it', async () => {
    const stdout = await esm(true);
    expect(stdout).to.contain('after import: ok');
    expect(stdout).to.contain('after a run without telemetry: ok');
    expect(stdout).to.contain(MISSING_PEER);
    expect(stdout).to.contain('(Denied module requested: @opentelemetry/api)');
    expect(stdout).to.contain(INSTALL_IT);
    expect(stdout).to.contain('requests sent: 1');
  });

  it('Nest: an app with ChatToolsModule.forRoot({ telemetry: true }) but without the package fails at startup, saying to install it', async () => {
    const script = `
      import { register } from 'node:module';
      register(${JSON.stringify(DENY_HOOKS)}, { data: { deny: ['@opentelemetry/'] } });
      const { Module } = await import('@nestjs/common');
      const { NestFactory } = await import('@nestjs/core');
      const { ChatToolsModule } = await import('chat-cmpl-stream-handler/nest');
      const { default: OpenAI } = await import('openai');
      const client = new OpenAI({ apiKey: 'unused', baseURL: 'http://127.0.0.1:9/v1' });
      async function boot(telemetry) {
        class AppModule {}
        Module({ imports: [ChatToolsModule.forRoot({ client, model: 'm', telemetry })] })(AppModule);
        const app = await NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
        await app.close();
        return 'started';
      }
      console.log('without telemetry:', await boot(false));
      try {
        await boot(true);
      } catch (error) {
        console.log('with telemetry:', error.name, error.message);
      }`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd(), timeout: 15_000 });
    expect(stdout).to.contain('without telemetry: started');
    expect(stdout).to.contain('with telemetry: TelemetryUnavailableError telemetry is on, but the optional peer dependency @opentelemetry/api could not be loaded');
    expect(stdout).to.contain(INSTALL_IT);
  });

  it('CommonJS: require() of the core entry and runs without telemetry leave it unloaded; a traced run require()s it', async () => {
    const stdout = await cjs(false);
    expect(stdout).to.contain('after import: @opentelemetry/api not loaded');
    expect(stdout).to.contain('after a run without telemetry: @opentelemetry/api not loaded');
    expect(stdout).to.contain('after a run with telemetry: @opentelemetry/api loaded');
    expect(stdout).to.contain('spans: chat m, invoke_agent');
  });

  it('CommonJS: a run with telemetry without the package fails before any request, saying to install it', async () => {
    const stdout = await cjs(true);
    expect(stdout).to.contain('after a run without telemetry: @opentelemetry/api not loaded');
    expect(stdout).to.contain(MISSING_PEER);
    expect(stdout).to.contain("(Cannot find module '@opentelemetry/api')");
    expect(stdout).to.contain(INSTALL_IT);
    expect(stdout).to.contain('requests sent: 1');
  });
});
