import { Module } from '@nestjs/common';
import { ChatToolsModule } from 'chat-cmpl-stream-handler/nest';
import { AuditModule } from './audit/audit.module.js';
import { ChatAuditLog } from './audit/chat-audit-log.js';
import { ChatModule } from './chat/chat.module.js';
import { runStateSigningKey } from './chat/run-state-signing-key.js';
import { ChatModel } from './model/chat-model.js';
import { ModelModule } from './model/model.module.js';
import { OrdersModule } from './orders/orders.module.js';
import { PageModule } from './page/page.module.js';

/** Instructions of every agent of the app. */
export const SUPPORT_INSTRUCTIONS =
  'You are the customer support assistant of Brewline, a shop for coffee equipment. ' +
  'Use the orders tools to answer questions about orders; never guess order data.';

@Module({
  imports: [
    ChatToolsModule.forRootAsync({
      imports: [ModelModule, AuditModule],
      inject: [ChatModel, ChatAuditLog],
      useFactory: (model: ChatModel, audit: ChatAuditLog) => ({
        client: model.client,
        model: model.name,
        instructions: SUPPORT_INSTRUCTIONS,
        handlers: [audit],
        // Paused runs (calls waiting for approval) are signed, and kept in the default in-memory RunStateStore.
        signingKey: runStateSigningKey(),
      }),
    }),
    OrdersModule,
    ChatModule,
    PageModule,
  ],
})
export class AppModule {}
