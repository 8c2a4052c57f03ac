import { IsArray } from 'class-validator';
import type { RunDecision } from 'chat-cmpl-stream-handler/nest';

/**
 * Body of `POST /chat/:runId/decisions`: one decision per waiting call,
 * `{ callId, approve: true, arguments? }` or `{ callId, reject: true, message? }`. ChatRuns checks
 * each decision strictly (a 400 naming the problem).
 */
export class DecisionsRequest {
  @IsArray() decisions!: RunDecision[];
}
