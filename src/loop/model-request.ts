import type { ChatCompletion, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { ModelResponseError } from '../run/errors.js';
import type { MergedTools } from '../tools/catalog.js';
import { raceAbort } from './abort.js';
import type { Run } from './run.js';
import type { RunPlan } from './run-plan.js';
import { TurnStream } from './turn-stream.js';

/**
 * Sends request `iteration` of a run with its history and tools, streams the answer through the
 * hooks, and returns the accumulated completion.
 *
 * @throws what the request or stream failed with, `HookError`, the abort reason, or
 *   `ModelResponseError` for an answer without choices.
 */
export async function requestCompletion<C, O>(run: Run<C, O>, plan: RunPlan<C, O>, tools: MergedTools<C>, iteration: number): Promise<ChatCompletion> {
  const { client, requestOptions } = plan.options;
  const body = requestBody(plan, run, tools);
  const chat = run.telemetry?.startChat(body);
  const turn = new TurnStream(chat ? chat.client(client) : client, body, run.signal, requestOptions, plan.wantedStreamEvents, run.streamConsumer(iteration));
  try {
    // Raced with the signal: a hook that ignores it must not hold an aborted run.
    const completion = await raceAbort(turn.completion(), run.signal);
    if (!completion.choices[0]) throw new ModelResponseError(`The model's response to request ${iteration + 1} has no choices.`);
    chat?.end(completion);
    return completion;
  } catch (error) {
    chat?.fail(error, run.signal.aborted);
    turn.abort();
    throw error;
  }
}

function requestBody<C, O>(plan: RunPlan<C, O>, run: Run<C, O>, tools: MergedTools<C>): ChatCompletionCreateParamsStreaming {
  const params = (plan.options.params ?? {}) as Record<string, unknown>;
  const body: Record<string, unknown> = { ...params, model: plan.options.model, messages: run.messages, stream: true };
  if (plan.responseFormat) body['response_format'] = plan.responseFormat;
  if (!('stream_options' in params)) body['stream_options'] = { include_usage: true };
  if (tools.tools.length > 0) body['tools'] = tools.tools;
  else delete body['tools'];
  return body as unknown as ChatCompletionCreateParamsStreaming;
}
