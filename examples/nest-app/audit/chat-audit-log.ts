import { Injectable, Logger } from '@nestjs/common';
import { OnToolCallCompleted, OnToolCallFailed, type RunInfo, type ToolCallCompletedEvent, type ToolCallFailedEvent } from 'chat-cmpl-stream-handler';
import type { ChatSession } from '../chat-session.js';

/** One tool call an agent made, and for whom. */
export interface AuditEntry {
  userId: string;
  tool: string;
  ok: boolean;
}

/**
 * A hook handler that is also a provider: records which user's run called which tool. Hooks see the
 * run's context as `run.context`; one instance serves every concurrent run.
 */
@Injectable()
export class ChatAuditLog {
  private readonly logger = new Logger('ChatAudit');
  /** Every tool call so far, oldest first (a database table in a real app). */
  readonly entries: AuditEntry[] = [];

  @OnToolCallCompleted()
  recordSuccess(event: ToolCallCompletedEvent, run: RunInfo<ChatSession>): void {
    this.record({ userId: run.context.userId, tool: event.toolCall.function.name, ok: true });
  }

  @OnToolCallFailed()
  recordFailure(event: ToolCallFailedEvent, run: RunInfo<ChatSession>): void {
    this.record({ userId: run.context.userId, tool: event.toolCall.function.name, ok: false });
  }

  private record(entry: AuditEntry): void {
    this.entries.push(entry);
    this.logger.log(`${entry.userId} ${entry.ok ? 'called' : 'failed to call'} ${entry.tool}`);
  }
}
