import type { LifecycleEvent } from '../run/lifecycle-events.js';
import type { MergedTools } from '../tools/catalog.js';
import type { Run } from './run.js';
import type { RunPlan } from './run-plan.js';
import { fingerprintsFor, type PendingCalls } from './tool-step.js';

/** Receives each event of a tool batch after its delivery. */
export type BatchEventFollower = (event: LifecycleEvent) => void | Promise<void>;

/**
 * With `checkpointToolCalls`: after each call of a batch settles, a `run.checkpoint { after: 'tool_call' }`
 * whose state's pending calls carry every result so far, so a resume runs only the calls that had
 * not finished. `undefined` when the option is off or nobody listens to checkpoints.
 *
 * A failed call is recorded only under `onToolError: 'emit'`, where its error text is the answer the
 * model gets; under `'raise'` / `'abort'` the run fails, and a resume should run it again. Once the
 * run is aborted nothing is recorded: the calls that fail then were cut short, not answered.
 *
 * @param entries - the step's pending calls as the batch starts (decisions and rejections included).
 */
export function toolCallCheckpoints<C, O>(
  run: Run<C, O>,
  plan: RunPlan<C, O>,
  tools: MergedTools<C>,
  iteration: number,
  entries: PendingCalls,
): BatchEventFollower | undefined {
  if (plan.options.checkpointToolCalls !== true || !run.listensTo('run.checkpoint')) return undefined;
  const settled = new Map<string, { content: string; isError: boolean }>();
  return (event) => {
    if (event.type !== 'tool_call.completed' && event.type !== 'tool_call.failed') return;
    if (run.signal.aborted || (event.type === 'tool_call.failed' && plan.policy !== 'emit')) return;
    settled.set(event.toolCall.id, { content: event.result.content, isError: event.type === 'tool_call.failed' });
    const pending = entries.map((entry) => (settled.has(entry.id) ? { ...entry, result: settled.get(entry.id)! } : { ...entry }));
    const state = run.snapshot('tools', iteration, pending, fingerprintsFor(run, pending, tools), plan.options.signingKey);
    return run.deliver({ type: 'run.checkpoint', iteration, after: 'tool_call', toolCall: event.toolCall, state });
  };
}
