import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { MergedTools } from '../tools/catalog.js';
import { toolName } from '../tools/catalog.js';
import type { ChatParams } from './options.js';
import type { Run } from './run.js';
import type { RunPlan } from './run-plan.js';

/** What {@link PrepareStep} is told about the request about to be sent. */
export interface PrepareStepInput<C = any> {
  /** Zero-based index of the model request. */
  readonly iteration: number;
  /** The run's history, which this request sends unless you return other `messages` (do not mutate it). */
  readonly messages: readonly ChatCompletionMessageParam[];
  /** The run's `context`, unchanged. */
  readonly context: C;
  /** The run's model. */
  readonly model: string;
  /** Names of every tool the run offers, for choosing `toolNames`. */
  readonly toolNames: readonly string[];
}

/** Changes to one model request; what is left out stays as the run has it. */
export interface StepChanges {
  /** The model of this request (`fallbackModels` still apply after it). */
  model?: string;
  /** Body params merged over the run's `params`, key by key (a key set to `undefined` is not sent). Tools are chosen with `toolNames`, not `params.tools`. */
  params?: ChatParams;
  /**
   * The messages this request sends instead of the history (trimmed, summarised, with a reminder
   * added). The run's history is not changed: the answer is appended to it as usual.
   */
  messages?: readonly ChatCompletionMessageParam[];
  /**
   * The tools offered in this request, by name; the others are not sent, and a call to one of them in
   * this answer is treated as a call to an unknown tool.
   */
  toolNames?: readonly string[];
}

/**
 * Called before every model request; returns changes for that request alone, or nothing. If it
 * throws, the run fails with that error.
 */
export type PrepareStep<C = any> = (input: PrepareStepInput<C>) => void | StepChanges | Promise<void | StepChanges>;

/** What one model request sends. */
export interface ModelStep<C> {
  readonly model: string;
  readonly params: ChatParams | undefined;
  readonly messages: readonly ChatCompletionMessageParam[];
  /** The tools offered, and the invokers the answer's calls may use. */
  readonly tools: MergedTools<C>;
}

/**
 * The request of iteration `iteration`: the run's model, params, history and tools, changed by
 * `prepareStep` when the run has one.
 *
 * @throws {TypeError} when `prepareStep` returns something malformed or names a tool the run does not have.
 */
export async function prepareModelStep<C, O>(run: Run<C, O>, plan: RunPlan<C, O>, iteration: number, tools: MergedTools<C>): Promise<ModelStep<C>> {
  const { prepareStep, model, params, context } = plan.options;
  const step: ModelStep<C> = { model, params, messages: run.messages, tools };
  if (!prepareStep) return step;
  const offered = tools.tools.map(toolName);
  const changes = await prepareStep({ iteration, messages: run.messages.slice(), context: context as C, model, toolNames: offered });
  if (changes === undefined || changes === null) return step;
  checkChanges(changes, iteration, offered);
  return {
    model: changes.model ?? model,
    params: changes.params ? { ...params, ...changes.params } : params,
    messages: changes.messages ?? run.messages,
    tools: changes.toolNames ? onlyTools(tools, changes.toolNames) : tools,
  };
}

function onlyTools<C>(tools: MergedTools<C>, names: readonly string[]): MergedTools<C> {
  const chosen = new Set(names);
  const toolInvokers: MergedTools<C>['toolInvokers'] = {};
  for (const name of chosen) if (Object.hasOwn(tools.toolInvokers, name)) toolInvokers[name] = tools.toolInvokers[name]!;
  return { tools: tools.tools.filter((tool) => chosen.has(toolName(tool))), toolInvokers };
}

function checkChanges(changes: unknown, iteration: number, offered: readonly string[]): asserts changes is StepChanges {
  const where = `prepareStep (request ${iteration + 1})`;
  if (typeof changes !== 'object' || Array.isArray(changes)) {
    throw new TypeError(`${where} must return nothing or an object { model?, params?, messages?, toolNames? }, got ${Array.isArray(changes) ? 'an array' : typeof changes}.`);
  }
  const { model, params, messages, toolNames } = changes as Record<string, unknown>;
  const problems: string[] = [];
  const known = new Set(['model', 'params', 'messages', 'toolNames']);
  const unknown = Object.keys(changes as object).filter((key) => !known.has(key));
  if (unknown.length > 0) problems.push(`it returned unknown keys (${unknown.join(', ')}); known: model, params, messages, toolNames.`);
  if (model !== undefined && (typeof model !== 'string' || model === '')) problems.push(`model must be a non-empty string, got ${JSON.stringify(model)}.`);
  if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) problems.push('params must be an object of body params.');
  if (messages !== undefined && !Array.isArray(messages)) problems.push('messages must be an array of chat messages.');
  if (toolNames !== undefined) {
    if (!Array.isArray(toolNames) || toolNames.some((name) => typeof name !== 'string')) {
      problems.push('toolNames must be an array of tool names.');
    } else {
      const missing = toolNames.filter((name) => !offered.includes(name));
      if (missing.length > 0) problems.push(`toolNames names tools the run does not have (${missing.join(', ')}); it has: ${offered.join(', ') || 'none'}.`);
    }
  }
  if (problems.length > 0) throw new TypeError(`${where}: ${problems.join(' ')}`);
}
