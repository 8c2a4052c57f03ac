import { expect } from 'chai';
import {
  FunctionTool,
  streamUntilUserInput,
  streamUntilUserInputEvents,
  UnknownToolError,
  type PrepareStepInput,
} from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { collect, rejectionOf, user } from '../support/helpers.js';

const read = new FunctionTool({ name: 'read_file', execute: () => 'contents' });
const write = new FunctionTool({ name: 'write_file', execute: () => 'written' });
const toolNamesOf = (body: any): string[] => (body.tools ?? []).map((tool: any) => tool.function.name);

describe('loop control: prepareStep', () => {
  let server: ScriptedChatServer;
  afterEach(async () => server?.close({ force: true }));

  it('changes the model, params, tools and messages of one request without touching the history', async () => {
    server = await ScriptedChatServer.start({
      script: [reply.toolCalls(toolCall('read_file', { path: 'a' })), reply.toolCalls(toolCall('write_file', { path: 'b' })), reply.text('done')],
    });
    const inputs: PrepareStepInput<{ user: string }>[] = [];
    const context = { user: 'u1' };
    const events = await collect(
      streamUntilUserInputEvents({
        client: server.client(),
        model: 'small',
        messages: [{ role: 'system', content: 'Be brief.' }, user('Copy a to b')],
        tools: [read, write],
        params: { temperature: 0.2, top_p: 0.9 },
        context,
        prepareStep: (input) => {
          inputs.push(input);
          if (input.iteration === 0) return { toolNames: ['read_file'] };
          if (input.iteration === 1) return { model: 'big', params: { temperature: 0 }, messages: [...input.messages, user('Now write it.')] };
          return undefined;
        },
      }),
    );
    const [first, second, third] = server.bodies;
    expect(toolNamesOf(first)).to.deep.equal(['read_file']);
    expect(first).to.include({ model: 'small', temperature: 0.2, top_p: 0.9 });
    expect(second).to.include({ model: 'big', temperature: 0, top_p: 0.9 });
    expect(toolNamesOf(second)).to.deep.equal(['read_file', 'write_file']);
    expect(second.messages.at(-1)).to.deep.equal(user('Now write it.'));
    expect(third).to.include({ model: 'small', temperature: 0.2 });
    expect(third.messages.map((message: any) => message.role)).to.deep.equal(['system', 'user', 'assistant', 'tool', 'assistant', 'tool']);

    const started = events.filter((event) => event.type === 'iteration.started');
    expect(started[1]!.messages.at(-1)).to.deep.equal(user('Now write it.'), 'iteration.started shows what the request sent');
    const completed = events.filter((event) => event.type === 'iteration.completed');
    expect(completed.map((event) => event.model)).to.deep.equal(['small', 'big', 'small']);
    const result = (events.at(-1) as any).result;
    expect(result.messages).to.have.length(7);
    expect(result.messages).to.not.deep.include(user('Now write it.'));

    expect(inputs.map((input) => input.iteration)).to.deep.equal([0, 1, 2]);
    expect(inputs[0]!.context).to.equal(context);
    expect(inputs[0]).to.include({ model: 'small' });
    expect(inputs[0]!.toolNames).to.deep.equal(['read_file', 'write_file']);
    expect(inputs[2]!.messages).to.have.length(6);
  });

  it('treats a call to a tool the step did not offer as a call to an unknown tool', async () => {
    server = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('write_file', { path: 'x' })), reply.text('ok')] });
    let writes = 0;
    const guardedWrite = new FunctionTool({ name: 'write_file', execute: () => String(++writes) });
    const failures: unknown[] = [];
    await streamUntilUserInput({
      client: server.client(),
      model: 'm',
      messages: [user('x')],
      tools: [read, guardedWrite],
      prepareStep: () => ({ toolNames: ['read_file'] }),
      streamHandler: { onToolCallFailed: (event: any) => void failures.push(event.error) },
    });
    expect(writes).to.equal(0);
    expect(failures[0]).to.be.instanceOf(UnknownToolError);
    expect(server.bodies[1].messages.at(-1).content).to.contain('write_file').and.contain('read_file');
  });

  it('may be async, and a malformed answer fails the run naming the problem', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('fine')] });
    const result = await streamUntilUserInput({
      client: server.client(),
      model: 'm',
      messages: [user('x')],
      prepareStep: async () => ({ model: 'async-choice' }),
    });
    expect(result.finalContent).to.equal('fine');
    expect(server.bodies[0].model).to.equal('async-choice');
    await server.close();

    server = await ScriptedChatServer.start({ script: [] });
    const error = await rejectionOf(
      streamUntilUserInput({
        client: server.client(),
        model: 'm',
        messages: [user('x')],
        tools: [read],
        prepareStep: () => ({ toolNames: ['read_file', 'delete_everything'], model: '', temprature: 1 }) as any,
      }),
    );
    expect(error).to.be.instanceOf(TypeError);
    expect(error.message)
      .to.contain('prepareStep (request 1)')
      .and.contain('toolNames names tools the run does not have (delete_everything); it has: read_file.')
      .and.contain('model must be a non-empty string')
      .and.contain('unknown keys (temprature)');
    expect(server.requests).to.have.length(0);
  });

  it("starts fallback models after prepareStep's model", async () => {
    server = await ScriptedChatServer.start({ script: [reply.httpError(503), reply.text('ok')] });
    await streamUntilUserInput({
      client: server.client(),
      model: 'm',
      messages: [user('x')],
      prepareStep: () => ({ model: 'chosen' }),
      fallbackModels: ['backup'],
    });
    expect(server.bodies.map((body) => body.model)).to.deep.equal(['chosen', 'backup']);
  });
});
