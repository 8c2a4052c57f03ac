import { Module } from '@nestjs/common';
import { ChatToolsModule } from 'chat-cmpl-stream-handler/nest';
import OpenAI from 'openai';
import { AppController } from './app.controller';
import { AppService } from './app.service';
import { ChatController } from './chat/chat.controller';
import { OrdersModule } from './orders/orders.module';

@Module({
  imports: [
    ChatToolsModule.forRoot({
      client: new OpenAI(),
      model: 'gpt-4.1-mini',
      instructions: 'You are our support assistant.',
    }),
    ChatToolsModule.forFeature([{ name: 'support', tags: ['support'] }]),
    OrdersModule,
  ],
  controllers: [AppController, ChatController],
  providers: [AppService],
})
export class AppModule {}
