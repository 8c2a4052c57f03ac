import { Body, Controller, Headers, Post } from '@nestjs/common';
import type { Agent } from 'chat-cmpl-stream-handler';
import { InjectAgent } from 'chat-cmpl-stream-handler/nest';

@Controller('chat')
export class ChatController {
  constructor(
    @InjectAgent('support')
    private readonly agent: Agent<{ userId: string }>,
  ) {}

  @Post()
  async chat(
    @Body() body: { message: string },
    @Headers('x-user-id') userId: string,
  ) {
    const result = await this.agent.run(body.message, { context: { userId } });
    return { answer: result.finalContent };
  }
}
