import OpenAI, { OpenAIError, type ClientOptions } from 'openai';
import { anthropicFetchConfig, createAnthropicFetch } from './fetch.js';
import { GEN_AI_PROVIDER_NAME } from '../../telemetry/provider-name.js';

/** Anthropic's API origin; requests go to `{baseURL}/v1/messages`. */
export const ANTHROPIC_BASE_URL = 'https://api.anthropic.com';
/** The `anthropic-version` header sent unless {@link AnthropicOpenAIOptions.anthropicVersion} says otherwise. */
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';
/** `max_tokens` sent when a request sets neither `max_completion_tokens` nor `max_tokens`. */
export const DEFAULT_MAX_TOKENS = 4096;

/** OpenAI options that configure OpenAI's own authentication or routing and mean nothing here. */
type OpenAIOnlyOption =
  | 'apiKey'
  | 'baseURL'
  | 'organization'
  | 'project'
  | 'adminAPIKey'
  | 'webhookSecret'
  | 'workloadIdentity'
  | 'provider'
  | 'dataResidency'
  | 'x509Transport'
  | 'credential';

/** Options of {@link AnthropicOpenAI}: Anthropic's settings plus the OpenAI client's own (`maxRetries`, `timeout`, `fetch`, ...). */
export interface AnthropicOpenAIOptions extends Omit<ClientOptions, OpenAIOnlyOption> {
  /** Anthropic API key, sent as `x-api-key`. Default: `process.env.ANTHROPIC_API_KEY`. */
  apiKey?: string | null | undefined;
  /**
   * Where the Messages API lives; requests go to `{baseURL}/v1/messages` (a baseURL that already ends
   * in `/v1` is used as is). Default: `process.env.ANTHROPIC_BASE_URL`, else `https://api.anthropic.com`.
   */
  baseURL?: string | null | undefined;
  /** `max_tokens` when a request sets neither `max_completion_tokens` nor `max_tokens` (Anthropic requires it). Default 4096. */
  defaultMaxTokens?: number | undefined;
  /** The `anthropic-version` header. Default `2023-06-01`. */
  anthropicVersion?: string | undefined;
}

/**
 * An `OpenAI` client whose `chat.completions.create` calls go to Anthropic's Messages API: the
 * request is translated to a Messages request, and the answer (a stream or a message) back into
 * Chat Completions chunks or a `chat.completion`. Everything built on the OpenAI client (this
 * library's tool loop and hooks, `client.chat.completions.stream`, retries, timeouts, abort, error
 * classes) works with Claude models, without the Anthropic SDK.
 *
 * Differences from OpenAI: usage is always reported (no `stream_options` needed); `strict` on tools
 * is ignored; OpenAI-only keys (`stream_options`, `response_format`, `logprobs`, `n`, ...) are
 * dropped; Anthropic-only params (`thinking`, `top_k`, ...) can be passed in the body and are sent
 * as is. Thinking blocks come back as `reasoning_content` deltas and as `thinking_blocks` on the
 * assistant message, which the next request sends back first in that message (needed for
 * extended thinking with tools).
 *
 * @example
 * ```ts
 * import { AnthropicOpenAI } from 'chat-cmpl-stream-handler/anthropic';
 *
 * const client = new AnthropicOpenAI(); // ANTHROPIC_API_KEY from the environment
 * const result = await streamUntilUserInput({
 *   client,
 *   model: 'claude-haiku-4-5',
 *   messages: [{ role: 'user', content: "What's the weather in Tokyo?" }],
 *   tools: [getWeather],
 * });
 * ```
 */
export class AnthropicOpenAI extends OpenAI {
  static {
    // Telemetry names the provider of this client's requests `anthropic`, whatever the baseURL.
    Object.defineProperty(this.prototype, GEN_AI_PROVIDER_NAME, { value: 'anthropic' });
  }

  /** `max_tokens` used when a request sets none. */
  readonly defaultMaxTokens: number;
  /** The `anthropic-version` header value. */
  readonly anthropicVersion: string;

  /**
   * @throws {OpenAIError} when there is no API key, or `defaultMaxTokens` is not a positive integer.
   */
  constructor(options: AnthropicOpenAIOptions = {}) {
    // `withOptions()` builds a copy through this constructor, handing back the translating fetch:
    // its configuration is the copy's default, and the fetch it wraps is the one to call.
    const inherited = anthropicFetchConfig(options.fetch);
    const {
      apiKey = readEnv('ANTHROPIC_API_KEY'),
      baseURL = readEnv('ANTHROPIC_BASE_URL') ?? ANTHROPIC_BASE_URL,
      defaultMaxTokens = inherited?.defaultMaxTokens ?? DEFAULT_MAX_TOKENS,
      anthropicVersion = inherited?.anthropicVersion ?? DEFAULT_ANTHROPIC_VERSION,
      fetch = inherited ? inherited.fetch : undefined,
      ...clientOptions
    } = options;
    if (!apiKey) {
      throw new OpenAIError('AnthropicOpenAI needs an Anthropic API key: pass { apiKey } or set the ANTHROPIC_API_KEY environment variable.');
    }
    if (!Number.isInteger(defaultMaxTokens) || defaultMaxTokens < 1) {
      throw new OpenAIError(`AnthropicOpenAI: defaultMaxTokens must be a positive integer, got ${String(defaultMaxTokens)}.`);
    }
    const outbound = anthropicFetchConfig(fetch) ? anthropicFetchConfig(fetch)!.fetch : fetch;
    super({
      ...(clientOptions as ClientOptions),
      apiKey,
      baseURL: baseURL ?? ANTHROPIC_BASE_URL,
      // Never pick OpenAI's credentials up from the environment: an OPENAI_ADMIN_KEY would replace the
      // Authorization header the translating fetch turns into x-api-key.
      adminAPIKey: null,
      organization: null,
      project: null,
      fetch: createAnthropicFetch({ fetch: outbound, defaultMaxTokens, anthropicVersion }),
    });
    this.defaultMaxTokens = defaultMaxTokens;
    this.anthropicVersion = anthropicVersion;
  }
}

function readEnv(name: string): string | undefined {
  const value = globalThis.process?.env?.[name]?.trim();
  return value ? value : undefined;
}
