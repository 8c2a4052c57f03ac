import { Inject, Injectable, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { expect } from 'chai';
import type OpenAI from 'openai';
import {
  CHAT_TOOLS_CLIENT,
  ChatAgents,
  ChatToolsModule,
  ChatToolsModuleError,
  type ChatToolsModuleAsyncOptions,
  type ChatToolsModuleOptions,
  type ChatToolsOptionsFactory,
} from 'chat-cmpl-stream-handler/nest';
import { reply, ScriptedChatServer } from 'chat-cmpl-stream-handler/testing';
import { rejectionOf } from '../support/helpers.js';

const SETTINGS = 'SETTINGS';

/** A configuration module, as an app's ConfigModule would be. */
@Module({ providers: [{ provide: SETTINGS, useValue: { model: 'configured-model', instructions: 'From settings.' } }], exports: [SETTINGS] })
class SettingsModule {}

describe('nest: module options', () => {
  let server: ScriptedChatServer;
  let app: TestingModule | undefined;

  beforeEach(async () => {
    server = await ScriptedChatServer.start();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await server.close();
  });

  async function start(root: ReturnType<typeof ChatToolsModule.forRoot>): Promise<TestingModule> {
    const moduleRef = await Test.createTestingModule({ imports: [root] }).compile();
    await moduleRef.init();
    return moduleRef;
  }

  /** The model name and system message of one run of a default agent. */
  async function firstRequest(moduleRef: TestingModule): Promise<{ model: string; system: string | undefined }> {
    server.enqueue(reply.text('ok'));
    await moduleRef.get(ChatAgents).create().run('hi');
    const body = server.requests.at(-1)!.body;
    return { model: body.model, system: body.messages[0].role === 'system' ? body.messages[0].content : undefined };
  }

  it('forRootAsync builds the options with useFactory from injected providers of imported modules', async () => {
    app = await start(
      ChatToolsModule.forRootAsync({
        imports: [SettingsModule],
        inject: [SETTINGS],
        useFactory: async (settings: { model: string; instructions: string }) => ({ client: server.client(), ...settings }),
      }),
    );
    expect(await firstRequest(app)).to.deep.equal({ model: 'configured-model', system: 'From settings.' });
  });

  it('forRootAsync takes an options factory class (useClass) or an existing provider (useExisting)', async () => {
    @Injectable()
    class ChatConfig implements ChatToolsOptionsFactory {
      constructor(@Inject(SETTINGS) private readonly settings: { model: string }) {}
      createChatToolsOptions(): ChatToolsModuleOptions {
        return { client: server.client(), model: this.settings.model };
      }
    }
    @Module({ imports: [SettingsModule], providers: [ChatConfig], exports: [ChatConfig] })
    class ChatConfigModule {}

    app = await start(ChatToolsModule.forRootAsync({ imports: [SettingsModule], useClass: ChatConfig }));
    expect((await firstRequest(app)).model).to.equal('configured-model');
    await app.close();

    app = await start(ChatToolsModule.forRootAsync({ imports: [ChatConfigModule], useExisting: ChatConfig }));
    expect((await firstRequest(app)).model).to.equal('configured-model');
  });

  it('creates the client with clientFactory (async) once and provides it as CHAT_TOOLS_CLIENT', async () => {
    @Injectable()
    class UsesClient {
      constructor(@Inject(CHAT_TOOLS_CLIENT) readonly client: OpenAI) {}
    }
    let calls = 0;
    const root = ChatToolsModule.forRoot({
      clientFactory: async () => {
        calls++;
        return server.client();
      },
      model: 'm',
    });
    app = await Test.createTestingModule({ imports: [root], providers: [UsesClient] }).compile();
    await app.init();
    expect(await firstRequest(app)).to.deep.equal({ model: 'm', system: undefined });
    expect(calls).to.equal(1);
    expect(app.get(UsesClient).client.baseURL).to.equal(server.url);
    expect(app.get(UsesClient).client).to.equal(app.get(CHAT_TOOLS_CLIENT));
  });

  it('forRoot rejects malformed options right away, naming the problem', () => {
    const client = server.client();
    const cases: [unknown, string][] = [
      [undefined, 'ChatToolsModule.forRoot(): options must be an object { client, model, ... }, got undefined.'],
      [{ model: 'm' }, 'ChatToolsModule.forRoot(): give exactly one of `client` (an OpenAI instance) and `clientFactory` (a function returning one); got neither.'],
      [{ client, clientFactory: () => client, model: 'm' }, 'got both.'],
      [{ client }, 'ChatToolsModule.forRoot(): `model` must be the default model name (a non-empty string), got undefined.'],
      [{ client, model: 'm', modle: 'x' }, 'ChatToolsModule.forRoot(): unknown option "modle". Known options: instructions, handlers, params,'],
      [{ client, model: 'm', handlers: [null] }, '`handlers` must be an array of hook handler instances, got [null].'],
      [{ client, model: 'm', mcpServers: [{ url: 'http://x', tags: [''] }] }, '`mcpServers[0].tags` must be an array of non-empty strings, got [""].'],
      [{ clientFactory: 'openai', model: 'm' }, '`clientFactory` must be a function returning an OpenAI instance, got "openai".'],
    ];
    for (const [options, message] of cases) {
      expect(() => ChatToolsModule.forRoot(options as ChatToolsModuleOptions)).to.throw(ChatToolsModuleError, message);
    }
  });

  it('forRootAsync rejects a missing or doubled way of making options, and checks what the factory returns', async () => {
    expect(() => ChatToolsModule.forRootAsync({ imports: [] })).to.throw(
      ChatToolsModuleError,
      'ChatToolsModule.forRootAsync(): give exactly one of useFactory, useClass and useExisting; got none.',
    );
    expect(() => ChatToolsModule.forRootAsync({ useFactory: () => ({}) as never, useClass: SettingsModule } as unknown as ChatToolsModuleAsyncOptions)).to.throw(
      ChatToolsModuleError,
      'got useFactory and useClass.',
    );
    const moduleRef = await Test.createTestingModule({
      imports: [ChatToolsModule.forRootAsync({ useFactory: () => ({ client: server.client() }) as unknown as ChatToolsModuleOptions })],
    }).compile().catch((error: unknown) => error);
    expect(moduleRef).to.be.instanceOf(ChatToolsModuleError);
    expect((moduleRef as Error).message).to.equal(
      'ChatToolsModule.forRootAsync() useFactory result: `model` must be the default model name (a non-empty string), got undefined.',
    );
  });

  it('clientFactory must return a client', async () => {
    const error = await rejectionOf(
      Test.createTestingModule({ imports: [ChatToolsModule.forRoot({ clientFactory: () => ({ apiKey: 'x' }) as unknown as OpenAI, model: 'm' })] }).compile(),
    );
    expect(error).to.be.instanceOf(ChatToolsModuleError);
    expect(error.message).to.equal('ChatToolsModule: clientFactory returned an object; it must return an OpenAI client instance.');
  });
});
