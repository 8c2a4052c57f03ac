import { Module } from '@nestjs/common';
import { ChatToolsModule } from 'chat-cmpl-stream-handler/nest';
import { ChatController } from './chat.controller.js';

/** The chat endpoint and its agent: every toolset tagged "support" (OrdersTools), plus the module defaults. */
@Module({
  imports: [ChatToolsModule.forFeature([{ name: 'support', tags: ['support'] }])],
  controllers: [ChatController],
})
export class ChatModule {}
