import type { ChatCompletion, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { ModelResponseError } from '../run/errors.js';
import { raceAbort } from './abort.js';
import type { ModelRequestOptions } from './openai-sdk.js';
import { withRetries, type ModelAnswer } from './request-retries.js';
import type { Run } from './run.js';
import type { RunPlan } from './run-plan.js';
import type { ModelStep } from './step-preparation.js';
import type { StreamTimeouts } from './stream-timeouts.js';
import { TurnStream } from './turn-stream.js';

export type { ModelAnswer } from './request-retries.js';

/**
 * Sends request `iteration` of a run as `step` says (model, params, messages, tools), streams the
 * answer through the hooks, and returns the accumulated completion with the model that gave it. With
 * `retry`, `streamTimeouts` or `fallbackModels` a failed attempt is sent again (see {@link withRetries}).
 *
 * @throws what the request or stream failed with, `HookError`, `StreamTimeoutError`, the abort reason,
 *   or `ModelResponseError` for an answer without choices.
 */
export async function requestCompletion<C, O>(run: Run<C, O>, plan: RunPlan<C, O>, step: ModelStep<C>, iteration: number): Promise<ModelAnswer> {
  const policy = plan.loop.resilience;
  if (!policy) return { completion: await sendRequest(run, plan, step, step.model, iteration, plan.options.requestOptions, undefined), model: step.model };
  return withRetries(run, iteration, step.model, policy, (model) => sendRequest(run, plan, step, model, iteration, policy.requestOptions, policy.timeouts));
}

/** One attempt: a fresh stream and accumulator, so a failed attempt leaves nothing behind. */
async function sendRequest<C, O>(
  run: Run<C, O>,
  plan: RunPlan<C, O>,
  step: ModelStep<C>,
  model: string,
  iteration: number,
  requestOptions: ModelRequestOptions | undefined,
  timeouts: StreamTimeouts | undefined,
): Promise<ChatCompletion> {
  const body = requestBody(plan, step, model);
  // One chat span per attempt: a retried or fallback request is another call of the model.
  const chat = run.telemetry?.startChat(body);
  const client = chat ? chat.client(plan.options.client) : plan.options.client;
  const turn = new TurnStream(client, body, run.signal, requestOptions, plan.wantedStreamEvents, run.streamConsumer(iteration), timeouts);
  try {
    // Raced with the signal: a hook that ignores it must not hold an aborted run.
    const completion = await raceAbort(turn.completion(), run.signal);
    if (!completion.choices[0]) throw new ModelResponseError(`The model's response to request ${iteration + 1} has no choices.`);
    // Some providers send no model name in their chunks; the completion still says which model answered.
    if (!completion.model) completion.model = model;
    chat?.end(completion);
    return completion;
  } catch (error) {
    chat?.fail(error, run.signal.aborted);
    turn.abort();
    throw error;
  }
}

function requestBody<C, O>(plan: RunPlan<C, O>, step: ModelStep<C>, model: string): ChatCompletionCreateParamsStreaming {
  const params = (step.params ?? {}) as Record<string, unknown>;
  const body: Record<string, unknown> = { ...params, model, messages: step.messages, stream: true };
  if (plan.responseFormat && !('response_format' in params)) body['response_format'] = plan.responseFormat;
  if (!('stream_options' in params)) body['stream_options'] = { include_usage: true };
  if (step.tools.tools.length > 0) body['tools'] = step.tools.tools;
  else delete body['tools'];
  return body as unknown as ChatCompletionCreateParamsStreaming;
}
