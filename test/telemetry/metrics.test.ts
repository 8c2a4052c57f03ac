import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  GEN_AI_TOKEN_TYPE_VALUE_INPUT,
  GEN_AI_TOKEN_TYPE_VALUE_OUTPUT,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
} from '@opentelemetry/semantic-conventions/incubating';
import { expect } from 'chai';
import { FunctionTool, streamUntilUserInput } from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { rejectionOf, user } from '../support/helpers.js';
import { OtelSdk } from './fixtures/otel.js';

describe('telemetry: GenAI client metrics', () => {
  let server: ScriptedChatServer;
  let sdk: OtelSdk;
  beforeEach(() => {
    sdk = new OtelSdk();
  });
  afterEach(async () => {
    await server?.close({ force: true });
    await sdk.shutdown();
  });

  it('token usage by token type, operation duration and time to first chunk per model request, with the conventions’ buckets', async () => {
    server = await ScriptedChatServer.start({
      script: [
        reply.toolCalls(toolCall('noop', {}), { usage: { prompt_tokens: 40, completion_tokens: 12 } }),
        reply.text('Done.', { usage: { prompt_tokens: 61, completion_tokens: 7 } }),
      ],
    });
    const noop = new FunctionTool({ name: 'noop', execute: () => 'ok' });
    await streamUntilUserInput({ client: server.client(), model: 'gpt-4.1-mini', messages: [user('go')], tools: [noop], telemetry: sdk.options() });

    const common = {
      [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
      [ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
      [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4.1-mini',
      [ATTR_GEN_AI_RESPONSE_MODEL]: 'gpt-4.1-mini',
      [ATTR_SERVER_ADDRESS]: '127.0.0.1',
      [ATTR_SERVER_PORT]: Number(new URL(server.url).port),
    };
    const tokens = await sdk.histogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE);
    expect(tokens.map(({ attributes, count, sum }) => ({ attributes, count, sum }))).to.have.deep.members([
      { attributes: { ...common, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUE_INPUT }, count: 2, sum: 101 },
      { attributes: { ...common, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUE_OUTPUT }, count: 2, sum: 19 },
    ]);
    expect(tokens[0]!.boundaries).to.deep.equal([1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864]);

    const durationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
    const durations = await sdk.histogram(METRIC_GEN_AI_CLIENT_OPERATION_DURATION);
    expect(durations.map(({ attributes, count }) => ({ attributes, count }))).to.deep.equal([{ attributes: common, count: 2 }]);
    expect(durations[0]!.boundaries).to.deep.equal(durationBuckets);
    const firstChunks = await sdk.histogram(METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK);
    expect(firstChunks.map(({ attributes, count }) => ({ attributes, count }))).to.deep.equal([{ attributes: common, count: 2 }]);
    expect(firstChunks[0]!.sum).to.be.greaterThan(0).and.at.most(durations[0]!.sum);
    expect(firstChunks[0]!.boundaries).to.deep.equal(durationBuckets);
  });

  it('a failed request records its duration with error.type, and neither tokens nor a first chunk', async () => {
    server = await ScriptedChatServer.start({ script: [reply.httpError(429)] });
    await rejectionOf(streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('go')], telemetry: sdk.options() }));
    const durations = await sdk.histogram(METRIC_GEN_AI_CLIENT_OPERATION_DURATION);
    expect(durations).to.have.length(1);
    expect(durations[0]!.attributes).to.deep.include({ [ATTR_ERROR_TYPE]: 'RateLimitError', [ATTR_GEN_AI_REQUEST_MODEL]: 'm' });
    expect(durations[0]!.attributes[ATTR_GEN_AI_RESPONSE_MODEL]).to.equal(undefined);
    expect(await sdk.histogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE)).to.deep.equal([]);
    expect(await sdk.histogram(METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK)).to.deep.equal([]);
  });

  it('telemetry: true records through the global meter provider', async () => {
    await sdk.shutdown();
    sdk = new OtelSdk({ global: true });
    server = await ScriptedChatServer.start({ script: [reply.text('ok', { usage: { prompt_tokens: 5, completion_tokens: 1 } })] });
    await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('go')], telemetry: true });
    const tokens = await sdk.histogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE);
    expect(tokens.map((point) => point.sum).sort()).to.deep.equal([1, 5]);
  });
});
