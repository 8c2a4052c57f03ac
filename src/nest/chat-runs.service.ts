import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Agent, AgentRunOptions } from '../agent/agent.js';
import { errorMessage, RunStateError } from '../run/errors.js';
import type { LifecycleEvent } from '../run/lifecycle-events.js';
import { RunState, type RunStateJSON } from '../run/run-state.js';
import { CHAT_TOOLS_OPTIONS } from './chat-tools.constants.js';
import { ChatToolsModuleError } from './chat-tools-module.error.js';
import type { ChatToolsModuleOptions } from './chat-tools-options.interface.js';
import { describeValue } from './describe-value.js';
import { RunDecisionError } from './run-decision.error.js';
import { applyDecisions, parseDecisions, type RunDecision } from './run-decisions.js';
import { RunStateStore, type StoredRun, type StoredRunStatus } from './run-state-store.js';

/** Who runs a run of {@link ChatRuns}. */
export interface ChatRunOwner {
  /**
   * The id of the signed-in user. `start` records it as the run's owner; `resume` refuses decisions
   * from anyone else. `context` is the current request's, like any run's: on resume, the deciding
   * user (who is the owner).
   */
  owner: string;
}

/**
 * Options of {@link ChatRuns.start} and {@link ChatRuns.resume}: the agent's run options plus
 * `owner`; `context` is required once the agent's context type is known, as in `agent.run`.
 */
export type ChatRunOptions<C = any> = AgentRunOptions<C> & ChatRunOwner & (unknown extends C ? unknown : undefined extends C ? unknown : { context: C });

/** A stored run this request follows: what the next save of its record needs. */
interface FollowedRun {
  runId: string | undefined;
  owner: string;
  /** The stored revision; `undefined` while nothing is stored (a new run that did not pause). */
  revision: string | undefined;
  decided: StoredRun['decided'];
  /** The run's latest checkpoint (a resumed run starts from its decided state). */
  checkpoint: RunStateJSON | undefined;
}

/**
 * Runs that may wait for a person's approval, across requests: {@link start} streams a new run and,
 * when calls wait for approval, stores the paused run in the {@link RunStateStore} (keyed by its
 * run id, owned by the user) before yielding `run.interrupted`; {@link resume} applies a user's
 * decisions to the stored run and streams the rest. The state itself stays on the server (signed
 * with the module's `signingKey` when set): clients only ever send decisions, so they cannot change
 * a state or forge an approval, and each stored revision is resumed by exactly one request.
 *
 * Agents that run through it must sign with the module's `signingKey` (the default of every agent
 * of `ChatAgents`); they must not override it.
 *
 * @example
 * ```ts
 * @Post(':runId/decisions')
 * @UseFilters(RunStateErrorFilter)
 * async decide(@Param('runId') runId: string, @Body() body: DecisionsRequest, @CurrentUser() user: Session, @Res() res: ServerResponse) {
 *   const events = await this.runs.resume(this.agent, runId, body.decisions, { owner: user.id, context: user }); // refusals throw here: 400/403/404/409
 *   for await (const event of events) sse.send(...);
 * }
 * ```
 */
@Injectable()
export class ChatRuns {
  /** @internal Built by Nest's injector; inject `ChatRuns` instead of constructing it. */
  constructor(
    private readonly store: RunStateStore,
    @Inject(CHAT_TOOLS_OPTIONS) private readonly options: ChatToolsModuleOptions,
  ) {}

  /**
   * Streams a new run of `agent` (like `agent.stream(input, options)`). When it ends with
   * `run.interrupted`, the paused run is stored for `options.owner` before that event is yielded,
   * so decisions sent as soon as the client sees it find it.
   *
   * @throws {ChatToolsModuleError} (at once) when `options.owner` is missing or `input` is not a message or a message list.
   * @throws from the generator when the store fails to save the paused run.
   */
  start<C, O>(agent: Agent<C, O>, input: string | readonly ChatCompletionMessageParam[], options: ChatRunOptions<C>): AsyncGenerator<LifecycleEvent, void, undefined> {
    const { owner, ...runOptions } = checkedRunOptions(options, 'ChatRuns.start()');
    if (typeof input !== 'string' && !Array.isArray(input)) {
      throw new ChatToolsModuleError(
        `ChatRuns.start(): input must be a user message or a list of messages, got ${describeValue(input)}. Resume a paused run with ChatRuns.resume(agent, runId, decisions, options).`,
      );
    }
    const events = (agent as Agent<any, O>).stream(input, runOptions);
    return this.follow(events, { runId: undefined, owner, revision: undefined, decided: {}, checkpoint: undefined });
  }

  /**
   * Records `decisions` (from the client) on the stored run `runId` and resumes it with `agent`:
   * approved calls run exactly once, rejected ones never. Resolves, once the decisions are
   * recorded and this request owns the run, with its events (a new `run.interrupted` when calls
   * still wait). Every refusal happens before anything runs and leaves the stored run as it was.
   *
   * @throws {RunDecisionError} `invalid_decisions` (400) for malformed decisions, a call that does
   *   not wait, or one call decided twice; `forbidden` (403) when `options.owner` is not the run's
   *   owner; `unknown_run` (404); `already_decided` (409) for a call an earlier request decided;
   *   `already_resumed` (409) when another request resumed the run first; `run_ended` (409) for a
   *   finished or failed run; `state_unusable` (409) when the stored state is of another format
   *   version or was changed since it was signed.
   */
  async resume<C, O>(agent: Agent<C, O>, runId: string, decisions: readonly RunDecision[], options: ChatRunOptions<C>): Promise<AsyncGenerator<LifecycleEvent, void, undefined>> {
    const { owner, ...runOptions } = checkedRunOptions(options, 'ChatRuns.resume()');
    const parsed = parseDecisions(decisions);
    const stored = typeof runId === 'string' && runId !== '' ? await this.store.load(runId) : undefined;
    if (stored === undefined) {
      throw new RunDecisionError('unknown_run', `No run ${describeValue(runId)} waits for decisions: it never waited for approval, or it expired.`);
    }
    if (stored.owner !== owner) {
      throw new RunDecisionError('forbidden', `Run ${runId} belongs to another user: only the user who started it can decide its calls.`);
    }
    const earlier = parsed.find((decision) => stored.decided[decision.callId] !== undefined);
    if (earlier) {
      throw new RunDecisionError('already_decided', `Call ${earlier.callId} of run ${runId} was already ${stored.decided[earlier.callId]}; a call takes one decision.`);
    }
    if (stored.status !== 'waiting') throw notWaiting(runId, stored.status, stored.error);
    const state = this.loadState(runId, stored);
    applyDecisions(state, parsed);

    const decided = { ...stored.decided };
    for (const decision of parsed) decided[decision.callId] = 'approve' in decision ? 'approved' : 'rejected';
    const run: FollowedRun = { runId, owner, revision: stored.revision, decided, checkpoint: state.toJSON() };
    if (!(await this.save(run, 'running', run.checkpoint))) {
      throw new RunDecisionError('already_resumed', `Another request decided run ${runId} at the same time and resumed it; these decisions were not applied.`);
    }
    return this.follow((agent as Agent<any, O>).stream(state, runOptions), run);
  }

  /** Passes the run's events through; a stored run's record is updated before each checkpoint and terminal event is yielded. */
  private async *follow(events: AsyncGenerator<LifecycleEvent, void, undefined>, run: FollowedRun): AsyncGenerator<LifecycleEvent, void, undefined> {
    let ended = false;
    try {
      for await (const event of events) {
        if (event.type === 'run.checkpoint') {
          run.checkpoint = event.state.toJSON();
          // A stored run keeps its latest checkpoint, so a process that dies mid-run leaves a state that repeats nothing completed.
          if (run.revision !== undefined) await this.saveOrThrow(run, 'running', run.checkpoint);
        } else if (event.type === 'run.interrupted') {
          ended = true;
          run.runId ??= event.state.runId;
          await this.saveOrThrow(run, 'waiting', event.state.toJSON());
        } else if (event.type === 'run.completed') {
          ended = true;
          if (run.revision !== undefined) await this.saveOrThrow(run, 'finished');
        } else if (event.type === 'run.failed') {
          ended = true;
          if (run.revision !== undefined) await this.saveOrThrow(run, 'failed', run.checkpoint, errorMessage(event.error));
        }
        yield event;
      }
    } finally {
      // The consumer stopped early (a client that went away ends the run through its signal instead).
      if (!ended && run.revision !== undefined) await this.saveOrThrow(run, 'failed', run.checkpoint, 'The stream of the run was closed before the run ended.');
    }
  }

  private async save(run: FollowedRun, status: StoredRunStatus, state?: RunStateJSON, error?: string): Promise<boolean> {
    const record: StoredRun = { revision: randomUUID(), status, owner: run.owner, decided: run.decided, updatedAt: Date.now() };
    if (state !== undefined) record.state = state;
    if (error !== undefined) record.error = error;
    if (!(await this.store.save(run.runId!, record, run.revision))) return false;
    run.revision = record.revision;
    return true;
  }

  private async saveOrThrow(run: FollowedRun, status: StoredRunStatus, state?: RunStateJSON, error?: string): Promise<void> {
    if (!(await this.save(run, status, state, error))) {
      throw new RunStateError(
        `The stored record of run ${run.runId} changed while this request ran it, so its new status "${status}" was not saved. ` +
          'Only ChatRuns should write a RunStateStore, and run ids must be unique.',
      );
    }
  }

  private loadState(runId: string, stored: StoredRun): RunState {
    try {
      return RunState.fromJSON(stored.state, { signingKey: this.options.signingKey });
    } catch (error) {
      if (!(error instanceof RunStateError)) throw error;
      throw new RunDecisionError('state_unusable', `Run ${runId} cannot be resumed by this server: ${error.message}`, { cause: error });
    }
  }
}

function notWaiting(runId: string, status: Exclude<StoredRunStatus, 'waiting'>, error: string | undefined): RunDecisionError {
  switch (status) {
    case 'running':
      return new RunDecisionError('already_resumed', `Run ${runId} was already resumed by an earlier request and is still running; it takes no decisions now.`);
    case 'finished':
      return new RunDecisionError('run_ended', `Run ${runId} is finished: there is nothing left to decide. Send a new message to start another run.`);
    case 'failed':
      return new RunDecisionError('run_ended', `Run ${runId} failed after it was resumed (${error ?? 'no reason recorded'}); it takes no decisions. Send a new message to start another run.`);
  }
}

function checkedRunOptions<C>(options: ChatRunOptions<C>, where: string): ChatRunOptions<C> {
  if (typeof options !== 'object' || options === null) {
    throw new ChatToolsModuleError(`${where}: options must be an object { owner, context?, signal? }, got ${describeValue(options)}.`);
  }
  if (typeof options.owner !== 'string' || options.owner === '') {
    throw new ChatToolsModuleError(`${where}: \`owner\` must be the id of the signed-in user (a non-empty string), got ${describeValue(options.owner)}.`);
  }
  return options;
}
