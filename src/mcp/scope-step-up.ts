import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';

/**
 * Makes scope step-up work when the provider holds a refresh token.
 *
 * On 403 `insufficient_scope` the SDK's Streamable HTTP transport runs its auth flow with the
 * wider scope the server named, but that flow refreshes the token first when it can, and a
 * refresh never widens scope: the retry gets 403 again and the call fails. So between such a
 * 403 and the next tokens saved (or the next successful request to the MCP endpoint), the
 * provider handed to the transport reports its tokens without the refresh token, and the flow
 * goes on to a new authorization with the wider scope.
 */
export class ScopeStepUp {
  private pending = false;

  constructor(private readonly endpoint: string) {}

  /** `provider` as the transport should see it. */
  provider(provider: OAuthClientProvider): OAuthClientProvider {
    return new Proxy(provider, {
      get: (target, property) => {
        if (property === 'tokens') {
          return async () => {
            const tokens = await target.tokens();
            if (!this.pending || !tokens?.refresh_token) return tokens;
            const { refresh_token: _withheld, ...rest } = tokens;
            return rest;
          };
        }
        if (property === 'saveTokens') {
          return async (tokens: Parameters<OAuthClientProvider['saveTokens']>[0]) => {
            this.pending = false;
            await target.saveTokens(tokens);
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /** Notes the responses that start and end a step-up. */
  observe(input: string | URL, response: Response): void {
    if (response.status === 403 && /insufficient_scope/.test(response.headers.get('www-authenticate') ?? '')) this.pending = true;
    else if (response.ok && String(input) === this.endpoint) this.pending = false;
  }
}

/** `fetch` that lets `observe` see every response first. */
export function observingFetch(base: FetchLike | undefined, observe: (input: string | URL, response: Response) => void): FetchLike {
  return async (input, init) => {
    const response = await (base ?? globalThis.fetch)(input, init);
    observe(input, response);
    return response;
  };
}
