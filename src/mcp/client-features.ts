import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  type ClientCapabilities,
  type CreateMessageRequestParams,
  type CreateMessageResult,
  type ElicitRequestFormParams,
  type ElicitResult,
  type Root,
} from '@modelcontextprotocol/sdk/types.js';
import type OpenAI from 'openai';
import type { CallScopes } from './call-scopes.js';
import { isSchemaObject } from './json-schema.js';
import { openAiSamplingHandler, type McpSamplingModel } from './openai-sampling.js';

/** What the client passes to its request handlers next to the server's params. */
export interface McpRequestExtra {
  /** Aborted when the server cancels its request or the connection closes. */
  readonly signal: AbortSignal;
}

/**
 * Answers a form elicitation: the server asks the user for input matching
 * `params.requestedSchema`. `context` is the run's context of the tool call the request belongs
 * to (`undefined` when it cannot be told). Return `{ action: 'accept', content }`, `'decline'` or
 * `'cancel'`; fields the accepted `content` leaves out get the schema's defaults (SEP-1034).
 */
export type McpElicitationHandler<C = any> = (
  params: ElicitRequestFormParams,
  context: C | undefined,
  extra: McpRequestExtra,
) => ElicitResult | Promise<ElicitResult>;

/**
 * Answers a sampling request (`sampling/createMessage`): the server asks your model for a
 * completion. `context` as for {@link McpElicitationHandler}.
 */
export type McpSamplingHandler<C = any> = (
  params: CreateMessageRequestParams,
  context: C | undefined,
  extra: McpRequestExtra,
) => CreateMessageResult | Promise<CreateMessageResult>;

/** The roots (directories, repositories) the server may work in: a list, or a function of the run's context. */
export type McpRoots<C = any> = readonly Root[] | ((context: C | undefined) => readonly Root[] | Promise<readonly Root[]>);

/**
 * Client capabilities of URL and stdio servers. Each is declared to the server only when given,
 * so a server sees exactly what this client can do (some servers offer more tools to a client
 * that declares elicitation or sampling).
 */
export interface McpClientFeatureOptions<C = any> {
  /** Answers form elicitations; declares `elicitation.form` with `applyDefaults`. */
  onElicitation?: McpElicitationHandler<C>;
  /**
   * Answers sampling requests; declares `sampling`. A function, or `{ client, model }` to answer
   * with that OpenAI client and model (a non-streaming Chat Completions request).
   */
  onSampling?: McpSamplingHandler<C> | McpSamplingModel;
  /** The roots offered in `roots/list`; declares `roots`. */
  roots?: McpRoots<C>;
}

/** Validated {@link McpClientFeatureOptions}, the sampling model turned into a handler. */
export interface ClientFeatures {
  readonly onElicitation?: McpElicitationHandler;
  readonly onSampling?: McpSamplingHandler;
  readonly roots?: McpRoots;
}

/** Checks the feature options of a config, adding what is wrong to `problems`. */
export function resolveClientFeatures(raw: Record<string, unknown>, problems: string[]): ClientFeatures {
  const { onElicitation, onSampling, roots } = raw;
  const features: { -readonly [K in keyof ClientFeatures]: ClientFeatures[K] } = {};
  if (onElicitation !== undefined) {
    if (typeof onElicitation === 'function') features.onElicitation = onElicitation as McpElicitationHandler;
    else problems.push('onElicitation must be a function (params, context) => ({ action, content? }).');
  }
  if (onSampling !== undefined) {
    if (typeof onSampling === 'function') features.onSampling = onSampling as McpSamplingHandler;
    else if (isSamplingModel(onSampling)) features.onSampling = openAiSamplingHandler(onSampling);
    else problems.push('onSampling must be a function (params, context) => result, or { client, model } with an OpenAI client and a model name.');
  }
  if (roots !== undefined) {
    if (typeof roots === 'function' || (Array.isArray(roots) && roots.every(isRoot))) features.roots = roots as McpRoots;
    else problems.push('roots must be an array of { uri: "file:///...", name? } or a function (context) => such an array.');
  }
  return features;
}

/** The capabilities a client with these features declares in `initialize`. */
export function capabilitiesOf(features: ClientFeatures): ClientCapabilities {
  return {
    ...(features.onElicitation ? { elicitation: { form: { applyDefaults: true } } } : {}),
    ...(features.onSampling ? { sampling: {} } : {}),
    ...(features.roots ? { roots: {} } : {}),
  };
}

/**
 * Installs the handlers of `features` on a new (not yet connected) client, and routes the
 * server's log notifications to the tool call they belong to. `scopes` tells which call a
 * server request belongs to.
 */
export function installClientFeatures(client: Client, features: ClientFeatures, scopes: CallScopes): void {
  const { onElicitation, onSampling, roots } = features;
  if (onElicitation) {
    client.setRequestHandler(ElicitRequestSchema, (request, extra) =>
      onElicitation(request.params as ElicitRequestFormParams, scopes.current()?.context, { signal: extra.signal }),
    );
  }
  if (onSampling) {
    client.setRequestHandler(CreateMessageRequestSchema, (request, extra) =>
      onSampling(request.params, scopes.current()?.context, { signal: extra.signal }),
    );
  }
  if (roots) {
    client.setRequestHandler(ListRootsRequestSchema, async () => ({
      roots: [...(typeof roots === 'function' ? await roots(scopes.current()?.context) : roots)],
    }));
  }
  client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
    const { data, logger } = notification.params;
    const text = typeof data === 'string' ? data : JSON.stringify(data);
    scopes.current()?.log?.(logger ? `${logger}: ${text}` : text);
  });
}

function isSamplingModel(value: unknown): value is McpSamplingModel {
  if (!isSchemaObject(value)) return false;
  const client = value['client'] as Partial<OpenAI> | undefined;
  return typeof client?.chat?.completions?.create === 'function' && typeof value['model'] === 'string' && value['model'] !== '';
}

function isRoot(value: unknown): boolean {
  return isSchemaObject(value) && typeof value['uri'] === 'string' && (value['name'] === undefined || typeof value['name'] === 'string');
}
