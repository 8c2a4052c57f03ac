import type { ChatCompletionAssistantMessageParam, ChatCompletionMessageToolCall } from 'openai/resources/chat/completions';
import { RunStateError, ToolCallRejectedError } from '../run/errors.js';
import { lastAssistantMessage } from '../run/history.js';
import type { LifecycleEvent } from '../run/lifecycle-events.js';
import { DEFAULT_REJECTION_MESSAGE, toolFingerprint, type PendingCallJSON, type RunStateJSON } from '../run/run-state.js';
import { toolName, type MergedTools } from '../tools/catalog.js';
import { argsOrUndefined, asFunctionCall, type ToolCall } from '../tools/tool.js';
import { ToolResult } from '../tools/tool-result.js';
import { EventQueue } from './event-queue.js';
import type { Run } from './run.js';
import type { RunPlan } from './run-plan.js';
import { refusedRepeatedCalls } from './repeated-calls.js';
import type { StepToolResult } from './stop-conditions.js';
import { runToolBatch, type BatchOutcome } from './tool-batch.js';
import { toolCallCheckpoints, type BatchEventFollower } from './tool-call-checkpoints.js';

/** The unanswered calls of the last assistant message, with what the state knows of each. */
export type PendingCalls = PendingCallJSON[];

/** How the tools phase of a turn ended. */
export type ToolStepOutcome =
  /** Every call has its tool message, appended in the model's order. */
  | {
      readonly kind: 'answered';
      readonly fatal?: BatchOutcome['fatal'];
      /** The assistant message whose calls were answered (edited arguments applied). */
      readonly assistantMessage: ChatCompletionAssistantMessageParam;
      /** Each call with its result, in the model's order (for stop conditions). */
      readonly results: StepToolResult[];
    }
  /** Some calls wait for a decision; the others ran and their results wait in `pending`. */
  | { readonly kind: 'interrupted'; readonly pending: PendingCalls; readonly fatal?: BatchOutcome['fatal'] };

/** The pending list of a fresh turn: every call, nothing known yet. */
export function newPending(calls: readonly ChatCompletionMessageToolCall[]): PendingCalls {
  return calls.map((call) => ({ id: call.id }));
}

/**
 * The tools phase of a turn: asks whether calls need approval, answers rejected calls, runs the
 * approval-free and approved ones (edited arguments replace the model's, in the history too), and
 * appends every tool message in the model's order once all calls are answered. When some calls
 * still wait, nothing is appended: their siblings' results are kept in the returned `pending`.
 *
 * @throws {RunStateError} when a tool a resumed call needs is gone or changed since the state was taken.
 */
export async function runToolStep<C, O>(
  run: Run<C, O>,
  plan: RunPlan<C, O>,
  tools: MergedTools<C>,
  pending: PendingCalls,
  fingerprints: RunStateJSON['tools'] | undefined,
  iteration: number,
): Promise<ToolStepOutcome> {
  const assistant = lastAssistant(run);
  const calls = new Map((assistant.tool_calls ?? []).map((call) => [call.id, asFunctionCall(call)]));
  const entries = pending.map((entry) => ({ ...entry }));

  for (const entry of entries) {
    if (entry.result || entry.approval !== undefined) continue;
    entry.approval = (await needsApproval(plan, tools, calls.get(entry.id)!)) ? 'required' : 'none';
  }
  for (const entry of entries) {
    if (entry.result || entry.decision?.type !== 'reject') continue;
    const toolCall = calls.get(entry.id)!;
    const content = entry.decision.message ?? DEFAULT_REJECTION_MESSAGE;
    entry.result = { content, isError: true };
    await run.deliver({
      type: 'tool_call.failed',
      iteration,
      toolCall,
      error: new ToolCallRejectedError(toolCall, content),
      result: ToolResult.error(content),
      durationMs: 0,
    });
  }

  const runnable = entries.filter((entry) => !entry.result && (entry.approval === 'none' || entry.decision?.type === 'approve'));
  if (fingerprints) checkToolsUnchanged(runnable, calls, tools, fingerprints);
  const toRun = runnable.map((entry) => {
    const edited = entry.decision?.type === 'approve' ? entry.decision.arguments : undefined;
    const toolCall = calls.get(entry.id)!;
    if (edited === undefined) return toolCall;
    const editedCall: ToolCall = { ...toolCall, function: { ...toolCall.function, arguments: JSON.stringify(edited) } };
    replaceCall(run, lastAssistant(run), editedCall);
    return editedCall;
  });
  // Repeated identical calls are judged over the whole message (and the history before it).
  const refusedByIndex = refusedRepeatedCalls(run.messages, plan.loop.repeatedCallLimit);
  const callIndex = new Map([...calls.keys()].map((id, index) => [id, index]));
  const refusals = refusedByIndex && runnable.map((entry) => refusedByIndex[callIndex.get(entry.id)!]);
  const follow = toolCallCheckpoints(run, plan, tools, iteration, entries);
  const outcome = toRun.length > 0 ? await runBatch(run, plan, tools, toRun, iteration, refusals, follow) : undefined;
  const ran = new Map<string, ToolResult>();
  runnable.forEach((entry, index) => {
    entry.result = { content: outcome!.contents[index]!, isError: outcome!.failed[index]! };
    ran.set(entry.id, outcome!.results[index]!.result);
  });

  if (entries.some((entry) => !entry.result)) return { kind: 'interrupted', pending: entries, fatal: outcome?.fatal };
  const byId = new Map(entries.map((entry) => [entry.id, entry.result!]));
  const ids = [...calls.keys()].filter((id) => byId.has(id));
  run.recordToolResults(ids, ids.map((id) => byId.get(id)!.content));
  const current = lastAssistant(run);
  const finalCalls = new Map((current.tool_calls ?? []).map((call) => [call.id, asFunctionCall(call)]));
  const results = ids.map((id) => {
    const recorded = byId.get(id)!;
    return { toolCall: finalCalls.get(id)!, result: ran.get(id) ?? new ToolResult(recorded.content, undefined, { isError: recorded.isError }) };
  });
  return { kind: 'answered', fatal: outcome?.fatal, assistantMessage: current, results };
}

/** Fingerprints of the tools the unanswered calls name, to notice on resume that they changed. */
export function fingerprintsFor(run: Run<any, any>, pending: PendingCalls, tools: MergedTools<any>): RunStateJSON['tools'] {
  const calls = new Map((lastAssistant(run).tool_calls ?? []).map((call) => [call.id, asFunctionCall(call)]));
  const fingerprints: RunStateJSON['tools'] = {};
  for (const entry of pending) {
    if (entry.result) continue;
    const name = calls.get(entry.id)!.function.name;
    const definition = tools.tools.find((tool) => toolName(tool) === name);
    if (definition) fingerprints[name] = toolFingerprint(definition);
  }
  return fingerprints;
}

/** Whether a call waits for a person: its tool's `needsApproval`, or the run's. */
async function needsApproval<C, O>(plan: RunPlan<C, O>, tools: MergedTools<C>, toolCall: ToolCall): Promise<boolean> {
  const context = plan.options.context as C;
  const own = tools.needsApproval?.[toolCall.function.name];
  if (own === true) return true;
  if (typeof own === 'function') {
    const args = argsOrUndefined(toolCall);
    // Arguments that are not JSON never reach the tool: nothing to approve.
    if (args !== undefined && (await own(args, context))) return true;
  }
  return plan.options.needsApproval ? (await plan.options.needsApproval(toolCall, context)) === true : false;
}

function checkToolsUnchanged<C>(runnable: PendingCalls, calls: Map<string, ToolCall>, tools: MergedTools<C>, fingerprints: RunStateJSON['tools']): void {
  for (const entry of runnable) {
    const name = calls.get(entry.id)!.function.name;
    const expected = fingerprints[name];
    if (expected === undefined) continue;
    const definition = tools.tools.find((tool) => toolName(tool) === name);
    if (!definition) {
      throw new RunStateError(`Call ${entry.id} needs tool "${name}", which this run no longer offers. Resume with the tools the state was saved with, or reject the call.`);
    }
    if (toolFingerprint(definition) !== expected) {
      throw new RunStateError(
        `Tool "${name}" changed since the state was saved (its definition differs), so call ${entry.id} might not mean what it meant. ` +
          'Resume with the same tool definitions, or reject the call.',
      );
    }
  }
}

async function runBatch<C, O>(
  run: Run<C, O>,
  plan: RunPlan<C, O>,
  tools: MergedTools<C>,
  calls: readonly ToolCall[],
  iteration: number,
  refusals: readonly (Error | undefined)[] | undefined,
  follow: BatchEventFollower | undefined,
): Promise<BatchOutcome> {
  const events = new EventQueue<LifecycleEvent>();
  const batch = runToolBatch(calls, {
    runId: run.runId,
    iteration,
    context: plan.options.context as C,
    signal: run.signal,
    policy: plan.policy,
    concurrency: plan.concurrency,
    invokers: tools.toolInvokers,
    availableTools: tools.tools.map(toolName),
    fallbackInvoker: plan.options.fallbackInvoker,
    outputCallback: plan.options.toolCallOutputCallback,
    events,
    refusals,
    maxOutputChars: plan.loop.maxToolOutputChars,
    telemetry: run.telemetry,
  }).finally(() => events.close());
  batch.catch(() => {});
  for (let event = await events.next(); event !== null; event = await events.next()) {
    await run.deliver(event);
    if (follow) await follow(event);
  }
  return batch;
}

function lastAssistant(run: Run<any, any>): ChatCompletionAssistantMessageParam {
  const assistant = lastAssistantMessage(run.messages);
  if (!assistant) throw new RunStateError('The state has no assistant message whose tool calls could run.');
  return assistant;
}

/**
 * Puts edited arguments into the history, so the model sees what ran. The assistant message is
 * replaced, not changed: states taken earlier share it.
 */
function replaceCall(run: Run<any, any>, assistant: ChatCompletionAssistantMessageParam, edited: ToolCall): void {
  const index = run.messages.lastIndexOf(assistant);
  const tool_calls = assistant.tool_calls?.map((call) => (call.id === edited.id && call.type === 'function' ? { ...call, function: { ...edited.function } } : call));
  run.messages[index] = { ...assistant, tool_calls };
}
