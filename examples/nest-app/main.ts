/**
 * A NestJS app whose support agent uses an injectable @Toolset and streams its answer as server-sent
 * events: `npm run build && npm run build:test && node build/examples/nest-app/main.js`, then open
 * the chat page it prints. Refunds wait for the customer's Approve / Reject.
 * Listens on 127.0.0.1:PORT (default 3000; HOST overrides the interface). With OPENAI_API_KEY set it
 * talks to OpenAI (OPENAI_MODEL, default gpt-4.1-nano); without, to a local demo model.
 * RUN_STATE_SIGNING_KEY signs runs that wait for approval (default: a random key per process).
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { ChatModel } from './model/chat-model.js';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn', 'log'] });
  app.enableShutdownHooks();
  await app.listen(Number(process.env['PORT'] ?? 3000), process.env['HOST'] ?? '127.0.0.1');
  const url = await app.getUrl();
  console.log(`Chat API listening on ${url} using ${app.get(ChatModel).describe()}.`);
  console.log(`Chat page: ${url}/ (try "Please refund order ord_1002, it arrived damaged.")`);
  console.log('Try:');
  console.log(
    `  curl -N -X POST ${url}/chat -H 'content-type: application/json' -H 'x-user-id: cus_7' ` +
      `-d '{"message":"Please cancel my order ord_1001, I changed my mind."}'`,
  );
}

bootstrap().catch((error) => {
  new Logger('bootstrap').error(error);
  process.exitCode = 1;
});
