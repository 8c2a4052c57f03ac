// A leaf module (no imports): provider adapters import the marker without loading telemetry.

/**
 * A client class whose prototype carries this symbol names its provider with it (`AnthropicOpenAI`
 * says `'anthropic'` whatever its baseURL, e.g. behind a proxy).
 */
export const GEN_AI_PROVIDER_NAME = Symbol.for('chat-cmpl-stream-handler.gen_ai.provider.name');

/** Who serves a client's requests, as the GenAI conventions name it, and where. */
export interface ProviderEndpoint {
  /** `gen_ai.provider.name`. */
  readonly name: string;
  /** `server.address`: the baseURL's host, when the baseURL parses. */
  readonly address?: string;
  /** `server.port`: the baseURL's port, or the scheme's default. */
  readonly port?: number;
}

/**
 * Hosts of the providers the conventions name (well-known `gen_ai.provider.name` values of
 * semantic-conventions v1.41.0), matched against the client's baseURL host: a string matches the
 * host itself or any subdomain of it, a pattern the whole host. First match wins. Documented in
 * docs/telemetry.md.
 */
export const PROVIDER_HOSTS: readonly (readonly [host: string | RegExp, provider: string])[] = [
  ['api.openai.com', 'openai'],
  ['openai.azure.com', 'azure.ai.openai'],
  ['cognitiveservices.azure.com', 'azure.ai.openai'],
  ['services.ai.azure.com', 'azure.ai.inference'],
  ['models.inference.ai.azure.com', 'azure.ai.inference'],
  ['api.anthropic.com', 'anthropic'],
  ['generativelanguage.googleapis.com', 'gcp.gemini'],
  // Vertex AI's hosts are regional: us-central1-aiplatform.googleapis.com.
  [/^([a-z0-9-]+-)?aiplatform\.googleapis\.com$/, 'gcp.vertex_ai'],
  [/^bedrock(-[a-z]+)*\.[a-z0-9-]+\.amazonaws\.com$/, 'aws.bedrock'],
  ['api.deepseek.com', 'deepseek'],
  ['api.groq.com', 'groq'],
  ['api.mistral.ai', 'mistral_ai'],
  ['api.perplexity.ai', 'perplexity'],
  ['api.x.ai', 'x_ai'],
  ['api.cohere.ai', 'cohere'],
  ['api.cohere.com', 'cohere'],
];

/** What the conventions tell instrumentations to use for a client they cannot place. */
const DEFAULT_PROVIDER = 'openai';

const endpoints = new WeakMap<object, ProviderEndpoint>();

/**
 * The provider and server of an OpenAI client: the class's {@link GEN_AI_PROVIDER_NAME} marker, else
 * the provider whose host the baseURL is on, else `openai` (any OpenAI-compatible server). Computed
 * once per client.
 */
export function providerEndpoint(client: unknown): ProviderEndpoint {
  if (typeof client !== 'object' || client === null) return { name: DEFAULT_PROVIDER };
  let endpoint = endpoints.get(client);
  if (!endpoint) {
    endpoint = describeClient(client as { baseURL?: unknown; [GEN_AI_PROVIDER_NAME]?: unknown });
    endpoints.set(client, endpoint);
  }
  return endpoint;
}

function describeClient(client: { baseURL?: unknown; [GEN_AI_PROVIDER_NAME]?: unknown }): ProviderEndpoint {
  const marked = client[GEN_AI_PROVIDER_NAME];
  let url: URL | undefined;
  try {
    url = typeof client.baseURL === 'string' ? new URL(client.baseURL) : undefined;
  } catch {
    url = undefined;
  }
  const host = url?.hostname.toLowerCase();
  const name = typeof marked === 'string' ? marked : (host && providerOfHost(host)) || DEFAULT_PROVIDER;
  if (!url || !host) return { name };
  const port = url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : url.protocol === 'https:' ? 443 : undefined;
  return port === undefined ? { name, address: host } : { name, address: host, port };
}

function providerOfHost(host: string): string | undefined {
  return PROVIDER_HOSTS.find(([known]) => (typeof known === 'string' ? host === known || host.endsWith(`.${known}`) : known.test(host)))?.[1];
}
