import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CHAT_TOOLS_CLIENT } from 'chat-cmpl-stream-handler/nest';
import {
  reply,
  ScriptedChatServer,
  toolCall,
} from 'chat-cmpl-stream-handler/testing';
import request from 'supertest';
import { App } from 'supertest/types';
import { AppModule } from './../src/app.module';

describe('AppController (e2e)', () => {
  let app: INestApplication<App>;
  let model: ScriptedChatServer;

  beforeAll(async () => {
    model = await ScriptedChatServer.start();
    const moduleFixture = await Test.createTestingModule({
      imports: [AppModule],
    })
      .overrideProvider(CHAT_TOOLS_CLIENT)
      .useValue(model.client())
      .compile();

    app = moduleFixture.createNestApplication();
    await app.init();
  });

  afterAll(async () => {
    await app.close();
    await model.close();
  });

  it('/ (GET)', () => {
    return request(app.getHttpServer())
      .get('/')
      .expect(200)
      .expect('Hello World!');
  });

  it('/chat (POST) runs the orders tool for the current user', async () => {
    model.enqueue(
      reply.toolCalls(
        toolCall('orders__order_status', { orderId: 'ord_1001', reason: null }),
      ),
      reply.text('Your order ord_1001 has shipped.'),
    );

    await request(app.getHttpServer())
      .post('/chat')
      .set('x-user-id', 'cus_7')
      .send({ message: 'Where is my order ord_1001?' })
      .expect(201)
      .expect({ answer: 'Your order ord_1001 has shipped.' });

    const toolMessage = model.requests[1].body.messages.at(-1);
    expect(toolMessage).toMatchObject({
      role: 'tool',
      content: JSON.stringify({ orderId: 'ord_1001', status: 'shipped' }),
    });
    expect(model.requests[0].body.tools[0].function.name).toBe(
      'orders__order_status',
    );
  });
});
