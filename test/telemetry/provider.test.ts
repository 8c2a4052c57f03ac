import { ATTR_GEN_AI_PROVIDER_NAME, ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT } from '@opentelemetry/semantic-conventions/incubating';
import { expect } from 'chai';
import OpenAI from 'openai';
import { streamUntilUserInput } from 'chat-cmpl-stream-handler';
import { anthropicReply, reply, ScriptedAnthropicServer, ScriptedChatServer } from 'chat-cmpl-stream-handler/testing';
import { user } from '../support/helpers.js';
import { OtelSdk } from './fixtures/otel.js';

describe('telemetry: gen_ai.provider.name and server.address from the client', () => {
  let server: ScriptedChatServer;
  let anthropic: ScriptedAnthropicServer | undefined;
  let sdk: OtelSdk;
  beforeEach(async () => {
    server = await ScriptedChatServer.start();
    sdk = new OtelSdk();
  });
  afterEach(async () => {
    await server.close({ force: true });
    await anthropic?.close({ force: true });
    await sdk.shutdown();
  });

  /** The chat span's provider attributes for a client on `baseURL` (its requests answered by the scripted server). */
  async function endpointOf(baseURL: string) {
    sdk.exporter.reset();
    server.enqueue(reply.text('ok'));
    const client = new OpenAI({ apiKey: 'k', baseURL, maxRetries: 0, fetch: (_url, init) => fetch(`${server.url}/chat/completions`, init) });
    await streamUntilUserInput({ client, model: 'm', messages: [user('hi')], telemetry: sdk.options() });
    const { attributes } = sdk.span('chat m');
    return [attributes[ATTR_GEN_AI_PROVIDER_NAME], attributes[ATTR_SERVER_ADDRESS], attributes[ATTR_SERVER_PORT]];
  }

  it('names the well-known providers by their API hosts, and any other OpenAI-compatible server openai', async () => {
    expect(await endpointOf('https://api.openai.com/v1')).to.deep.equal(['openai', 'api.openai.com', 443]);
    expect(await endpointOf('https://my-resource.openai.azure.com/openai/v1')).to.deep.equal(['azure.ai.openai', 'my-resource.openai.azure.com', 443]);
    expect(await endpointOf('https://generativelanguage.googleapis.com/v1beta/openai/')).to.deep.equal(['gcp.gemini', 'generativelanguage.googleapis.com', 443]);
    expect(await endpointOf('https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/l/endpoints/openapi')).to.deep.equal([
      'gcp.vertex_ai',
      'us-central1-aiplatform.googleapis.com',
      443,
    ]);
    expect(await endpointOf('https://bedrock-runtime.us-west-2.amazonaws.com/openai/v1')).to.deep.equal(['aws.bedrock', 'bedrock-runtime.us-west-2.amazonaws.com', 443]);
    expect(await endpointOf('https://api.groq.com/openai/v1')).to.deep.equal(['groq', 'api.groq.com', 443]);
    expect(await endpointOf('https://api.deepseek.com')).to.deep.equal(['deepseek', 'api.deepseek.com', 443]);
    expect(await endpointOf('https://api.mistral.ai/v1')).to.deep.equal(['mistral_ai', 'api.mistral.ai', 443]);
    expect(await endpointOf('https://api.x.ai/v1')).to.deep.equal(['x_ai', 'api.x.ai', 443]);
    expect(await endpointOf('https://api.perplexity.ai')).to.deep.equal(['perplexity', 'api.perplexity.ai', 443]);
    expect(await endpointOf('https://api.anthropic.com/v1/')).to.deep.equal(['anthropic', 'api.anthropic.com', 443]);
    expect(await endpointOf('https://openrouter.ai/api/v1')).to.deep.equal(['openai', 'openrouter.ai', 443]);
    expect(await endpointOf('http://localhost:11434/v1')).to.deep.equal(['openai', 'localhost', 11434]);
    expect(await endpointOf('http://vllm.internal/v1')).to.deep.equal(['openai', 'vllm.internal', 80]);
  });

  it('AnthropicOpenAI is anthropic whatever its baseURL', async () => {
    anthropic = await ScriptedAnthropicServer.start({ script: [anthropicReply.text('Hello from Claude.')] });
    await streamUntilUserInput({ client: anthropic.client(), model: 'claude-haiku-4-5', messages: [user('hi')], telemetry: sdk.options() });
    const { attributes } = sdk.span('chat claude-haiku-4-5');
    expect(attributes[ATTR_GEN_AI_PROVIDER_NAME]).to.equal('anthropic');
    expect(attributes[ATTR_SERVER_ADDRESS]).to.equal('127.0.0.1');
    expect(sdk.span('invoke_agent').attributes[ATTR_GEN_AI_PROVIDER_NAME]).to.equal('anthropic');
  });
});
