/**
 * The client the official MCP conformance runner (@modelcontextprotocol/conformance) drives, built
 * only from this library's public API. The runner starts a test server for a scenario, then runs
 *
 *   MCP_CONFORMANCE_SCENARIO=<scenario> [MCP_CONFORMANCE_CONTEXT=<json>] node build/examples/mcp-conformance-client.js <server-url>
 *
 * and judges what the server saw. scripts/ci/mcp-client-conformance.sh runs every client scenario.
 * The OAuth provider below is "headless": where a real app sends the user to the authorization
 * URL, it follows the test authorization server's redirect itself to collect the code.
 */
import { McpToolset, UnauthorizedError, ClientCredentialsProvider, PrivateKeyJwtProvider } from 'chat-cmpl-stream-handler/mcp';
import type { McpTool, McpUrlServerConfig, OAuthClientProvider } from 'chat-cmpl-stream-handler/mcp';

type Tokens = NonNullable<Awaited<ReturnType<OAuthClientProvider['tokens']>>>;
type ClientInformation = NonNullable<Awaited<ReturnType<OAuthClientProvider['clientInformation']>>>;

const REDIRECT_URL = 'http://localhost:3000/callback';
/** Offered as a URL client id (SEP-991) to authorization servers that accept client id metadata documents. */
const CLIENT_METADATA_URL = 'https://conformance-test.local/client-metadata.json';

/** Keeps everything in memory and answers the authorization redirect itself. */
class HeadlessOAuthProvider implements OAuthClientProvider {
  readonly clientMetadataUrl = CLIENT_METADATA_URL;
  private information: ClientInformation | undefined;
  private saved: Tokens | undefined;
  private verifier = '';
  private code: string | undefined;

  constructor(preRegistered?: ClientInformation) {
    this.information = preRegistered;
  }

  get redirectUrl(): string {
    return REDIRECT_URL;
  }
  get clientMetadata(): OAuthClientProvider['clientMetadata'] {
    return {
      client_name: 'chat-cmpl-stream-handler conformance client',
      redirect_uris: [REDIRECT_URL],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    };
  }
  clientInformation(): ClientInformation | undefined {
    return this.information;
  }
  saveClientInformation(information: ClientInformation): void {
    this.information = information;
  }
  tokens(): Tokens | undefined {
    return this.saved;
  }
  saveTokens(tokens: Tokens): void {
    this.saved = tokens;
  }
  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }
  codeVerifier(): string {
    return this.verifier;
  }
  /** A browser would show the page; the test authorization server redirects at once with the code. */
  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    const response = await fetch(authorizationUrl, { redirect: 'manual' });
    const location = response.headers.get('location');
    const code = location ? new URL(location).searchParams.get('code') : null;
    if (!code) throw new Error(`The authorization server did not redirect with a code (HTTP ${response.status}).`);
    this.code = code;
  }
  /** The code of the last redirect (what your redirect URL's handler would receive). */
  takeCode(): string {
    const code = this.code;
    this.code = undefined;
    if (!code) throw new Error('No authorization code was received.');
    return code;
  }
}

const MAX_AUTHORIZATIONS = 3;

/** Connects; when the user must authorize, finishes with the code and connects again. */
async function connectAuthorizing(config: McpUrlServerConfig, provider: HeadlessOAuthProvider): Promise<McpToolset> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await McpToolset.connect(config);
    } catch (error) {
      if (!(error instanceof UnauthorizedError) || attempt >= MAX_AUTHORIZATIONS) throw error;
      await McpToolset.finishAuth(config, provider.takeCode());
    }
  }
}

/** Calls a tool; when the server wants more scope (step-up), finishes that authorization and calls again. */
async function callAuthorizing(toolset: McpToolset, config: McpUrlServerConfig, provider: HeadlessOAuthProvider, name: string, args: object = {}): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(toolset, name, args);
    } catch (error) {
      if (!(error instanceof UnauthorizedError) || attempt >= MAX_AUTHORIZATIONS) throw error;
      await McpToolset.finishAuth(config, provider.takeCode());
    }
  }
}

async function call(toolset: McpToolset, name: string, args: object = {}): Promise<string> {
  const tool: McpTool | undefined = toolset.tools.find((candidate) => candidate.mcpName === name);
  if (!tool) throw new Error(`The server offers no tool "${name}"; it has ${toolset.tools.map((t) => t.mcpName).join(', ') || 'none'}.`);
  const result = await tool.invoke({ id: `call_${name}`, type: 'function', function: { name: tool.schema.function.name, arguments: JSON.stringify(args) } }, undefined);
  console.log(`${name} -> ${result.content}`);
  return result.content;
}

async function withToolset(config: McpUrlServerConfig, use: (toolset: McpToolset) => Promise<void> = async () => {}): Promise<void> {
  const toolset = await McpToolset.connect(config);
  try {
    await use(toolset);
  } finally {
    await toolset.close();
  }
}

async function oauthFlow(url: string, provider = new HeadlessOAuthProvider()): Promise<void> {
  const config: McpUrlServerConfig = { url, authProvider: provider };
  const toolset = await connectAuthorizing(config, provider);
  try {
    if (toolset.tools.some((tool) => tool.mcpName === 'test-tool')) await callAuthorizing(toolset, config, provider, 'test-tool');
  } finally {
    await toolset.close();
  }
}

/** SEP-990: trade the identity provider's ID token for an ID-JAG, and that for an access token; then plain bearer headers. */
async function crossAppAccess(url: string, context: Record<string, string>): Promise<void> {
  const form = (fields: Record<string, string>) => new URLSearchParams(fields);
  const json = async (response: Response) => {
    if (!response.ok) throw new Error(`${response.url}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, any>;
  };
  const resourceMetadata = await json(await fetch(new URL('/.well-known/oauth-protected-resource/mcp', url)));
  const authServer = await json(await fetch(new URL('/.well-known/oauth-authorization-server', resourceMetadata['authorization_servers'][0])));
  const idJag = await json(
    await fetch(context['idp_token_endpoint']!, {
      method: 'POST',
      body: form({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        requested_token_type: 'urn:ietf:params:oauth:token-type:id-jag',
        audience: authServer['issuer'],
        resource: resourceMetadata['resource'],
        subject_token: context['idp_id_token']!,
        subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
        client_id: context['idp_client_id']!,
      }),
    }),
  );
  const basic = Buffer.from(`${encodeURIComponent(context['client_id']!)}:${encodeURIComponent(context['client_secret']!)}`).toString('base64');
  const token = await json(
    await fetch(authServer['token_endpoint'], {
      method: 'POST',
      headers: { Authorization: `Basic ${basic}` },
      body: form({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: idJag['access_token'] }),
    }),
  );
  await withToolset({ url, headers: { Authorization: `Bearer ${token['access_token']}` } }, (toolset) => call(toolset, 'test-tool').then(() => {}));
}

async function main(): Promise<void> {
  const scenario = process.env['MCP_CONFORMANCE_SCENARIO'];
  const url = process.argv[2];
  if (!scenario || !url) throw new Error('Usage: MCP_CONFORMANCE_SCENARIO=<scenario> node mcp-conformance-client.js <server-url>');
  const context = JSON.parse(process.env['MCP_CONFORMANCE_CONTEXT'] ?? '{}') as Record<string, string>;

  switch (scenario) {
    case 'initialize':
      return withToolset({ url });
    case 'tools_call':
      return withToolset({ url }, (toolset) => call(toolset, 'add_numbers', { a: 2, b: 3 }).then(() => {}));
    case 'elicitation-sep1034-client-defaults':
      // Accept with nothing filled in: the schema's defaults are applied to the answer.
      return withToolset({ url, onElicitation: () => ({ action: 'accept', content: {} }) }, (toolset) =>
        call(toolset, 'test_client_elicitation_defaults').then(() => {}),
      );
    case 'sse-retry':
      return withToolset({ url }, (toolset) => call(toolset, 'test_reconnection').then(() => {}));
    case 'auth/pre-registration':
      return oauthFlow(url, new HeadlessOAuthProvider({ client_id: context['client_id']!, client_secret: context['client_secret']!, redirect_uris: [REDIRECT_URL] }));
    case 'auth/client-credentials-basic':
      return withToolset({ url, authProvider: new ClientCredentialsProvider({ clientId: context['client_id']!, clientSecret: context['client_secret']! }) });
    case 'auth/client-credentials-jwt':
      return withToolset({
        url,
        authProvider: new PrivateKeyJwtProvider({ clientId: context['client_id']!, privateKey: context['private_key_pem']!, algorithm: context['signing_algorithm'] ?? 'ES256' }),
      });
    case 'auth/cross-app-access-complete-flow':
      return crossAppAccess(url, context);
    default:
      if (scenario.startsWith('auth/')) return oauthFlow(url);
      throw new Error(`Unknown scenario ${scenario}.`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
