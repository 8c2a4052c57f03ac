import { Body, Controller, Logger, Param, Post, Res, UseFilters, UseGuards, ValidationPipe } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { Agent, LifecycleEvent } from 'chat-cmpl-stream-handler';
import { ChatRuns, InjectAgent, RunStateErrorFilter } from 'chat-cmpl-stream-handler/nest';
import type { ChatSession } from '../chat-session.js';
import { toChatStreamEvent } from './chat-events.js';
import { ChatRequest } from './chat-request.dto.js';
import { CurrentUser } from './current-user.decorator.js';
import { DecisionsRequest } from './decisions-request.dto.js';
import { DemoAuthGuard } from './demo-auth.guard.js';
import { SseStream } from './sse-stream.js';

const bodyPipe = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true });

/**
 * `POST /chat`: runs the support agent for the signed-in customer and streams its progress as
 * server-sent events. When a call needs the customer's approval, the stream ends with an `approval`
 * event; `POST /chat/:runId/decisions` records the customer's decisions and streams the rest of the
 * run. Refused decisions are answered with 400/403/404/409 and the reason (RunStateErrorFilter).
 */
@Controller('chat')
@UseGuards(DemoAuthGuard)
@UseFilters(RunStateErrorFilter)
export class ChatController {
  private readonly logger = new Logger(ChatController.name);

  constructor(
    @InjectAgent('support') private readonly agent: Agent<ChatSession>,
    private readonly runs: ChatRuns,
  ) {}

  @Post()
  async chat(@Body(bodyPipe) body: ChatRequest, @CurrentUser() user: ChatSession, @Res() response: ServerResponse): Promise<void> {
    const signal = abortOnDisconnect(response);
    await this.stream(this.runs.start(this.agent, body.message, { owner: user.userId, context: user, signal }), response, user, signal);
  }

  @Post(':runId/decisions')
  async decide(
    @Param('runId') runId: string,
    @Body(bodyPipe) body: DecisionsRequest,
    @CurrentUser() user: ChatSession,
    @Res() response: ServerResponse,
  ): Promise<void> {
    const signal = abortOnDisconnect(response);
    // Throws before anything is streamed when the decisions are refused; the filter answers with the status.
    const events = await this.runs.resume(this.agent, runId, body.decisions, { owner: user.userId, context: user, signal });
    await this.stream(events, response, user, signal);
  }

  private async stream(events: AsyncIterable<LifecycleEvent>, response: ServerResponse, user: ChatSession, signal: AbortSignal): Promise<void> {
    const sse = new SseStream(response);
    try {
      for await (const event of events) {
        if (event.type === 'run.failed' && !signal.aborted) this.logger.error(`Chat run of ${user.userId} failed`, event.error);
        const message = toChatStreamEvent(event);
        if (message) sse.send(message.event, message.data);
      }
    } catch (error) {
      // The run store failed: the run cannot be continued, so say so rather than leave the client waiting.
      this.logger.error(`Chat run of ${user.userId} could not be stored`, error);
      sse.send('error', { message: 'The chat could not be saved; please try again.' });
    }
    sse.end();
  }
}

/** A client that goes away aborts the model request and any running tool. */
function abortOnDisconnect(response: ServerResponse): AbortSignal {
  const disconnected = new AbortController();
  response.on('close', () => disconnected.abort());
  return disconnected.signal;
}
