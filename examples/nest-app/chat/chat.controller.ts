import { Body, Controller, Logger, Post, Res, UseGuards, ValidationPipe } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { Agent } from 'chat-cmpl-stream-handler';
import { InjectAgent } from 'chat-cmpl-stream-handler/nest';
import type { ChatSession } from '../chat-session.js';
import { toChatStreamEvent } from './chat-events.js';
import { ChatRequest } from './chat-request.dto.js';
import { CurrentUser } from './current-user.decorator.js';
import { DemoAuthGuard } from './demo-auth.guard.js';
import { SseStream } from './sse-stream.js';

/** `POST /chat`: runs the support agent for the signed-in customer and streams its progress as server-sent events. */
@Controller('chat')
@UseGuards(DemoAuthGuard)
export class ChatController {
  private readonly logger = new Logger(ChatController.name);

  constructor(@InjectAgent('support') private readonly agent: Agent<ChatSession>) {}

  @Post()
  async chat(
    @Body(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true })) body: ChatRequest,
    @CurrentUser() user: ChatSession,
    @Res() response: ServerResponse,
  ): Promise<void> {
    // A client that goes away aborts the model request and any running tool.
    const disconnected = new AbortController();
    response.on('close', () => disconnected.abort());
    const sse = new SseStream(response);
    for await (const event of this.agent.stream(body.message, { context: user, signal: disconnected.signal })) {
      if (event.type === 'run.failed' && !disconnected.signal.aborted) this.logger.error(`Chat run of ${user.userId} failed`, event.error);
      const message = toChatStreamEvent(event);
      if (message) sse.send(message.event, message.data);
    }
    sse.end();
  }
}
