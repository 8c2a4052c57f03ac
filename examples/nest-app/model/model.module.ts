import { Module } from '@nestjs/common';
import { ChatModel } from './chat-model.js';

/** Provides the {@link ChatModel} (tests override it with a ScriptedChatServer of their own). */
@Module({
  providers: [{ provide: ChatModel, useFactory: () => ChatModel.fromEnvironment() }],
  exports: [ChatModel],
})
export class ModelModule {}
