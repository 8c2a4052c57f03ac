import { expect } from 'chai';
import { IsString } from 'class-validator';
import {
  Agent,
  FunctionTool,
  MaxIterationsReached,
  stopAfterIterations,
  stopAfterTool,
  streamUntilUserInput,
  streamUntilUserInputEvents,
  ToolResult,
  type StopStep,
} from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { collect, rejectionOf, user } from '../support/helpers.js';

const search = new FunctionTool({ name: 'search', execute: ({ q }: { q: string }) => `results for ${q}` });
const submit = new FunctionTool({
  name: 'submit_answer',
  execute: ({ answer }: { answer?: string }) => {
    if (!answer) throw new Error('answer is required');
    return new ToolResult(`submitted: ${answer}`, { answer });
  },
});

class Answer {
  @IsString()
  text!: string;
}

describe('loop control: stop conditions', () => {
  let server: ScriptedChatServer;
  afterEach(async () => server?.close({ force: true }));

  it('stopAfterTool ends the run right after that tool result: no further request, the result in finalToolResult', async () => {
    server = await ScriptedChatServer.start({
      script: [reply.toolCalls(toolCall('search', { q: 'tides' })), reply.toolCalls([toolCall('submit_answer', { answer: '42' }), toolCall('search', { q: 'more' })])],
    });
    const events = await collect(
      streamUntilUserInputEvents({ client: server.client(), model: 'm', messages: [user('x')], tools: [search, submit], stopWhen: stopAfterTool('submit_answer') }),
    );
    const last = events.at(-1)!;
    expect(last.type).to.equal('run.completed');
    const result = (last as Extract<typeof last, { type: 'run.completed' }>).result;
    expect(result.finalToolResult?.content).to.equal('submitted: 42');
    expect(result.finalToolResult?.metadata).to.deep.equal({ answer: '42' });
    expect(result.messages.map((message) => message.role)).to.deep.equal(['user', 'assistant', 'tool', 'assistant', 'tool', 'tool']);
    expect(events.filter((event) => event.type === 'tool_call.completed')).to.have.length(3, 'the other call of the message still ran');
    expect(server.requests).to.have.length(2);
    await server.close(); // no reply left over, no request unexpected
  });

  it('does not stop on a failed call of the tool, so the model can correct it', async () => {
    server = await ScriptedChatServer.start({
      script: [reply.toolCalls(toolCall('submit_answer', {})), reply.toolCalls(toolCall('submit_answer', { answer: 'fixed' }))],
    });
    const result = await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], tools: [submit], stopWhen: stopAfterTool('submit_answer') });
    expect(server.bodies[1].messages.at(-1).content).to.contain('answer is required');
    expect(result.finalToolResult?.content).to.equal('submitted: fixed');
  });

  it('stopAfterIterations completes the run (unlike maxIterations, which fails it) with the last tool result', async () => {
    const script = () => [reply.toolCalls(toolCall('search', { q: '1' })), reply.toolCalls(toolCall('search', { q: '2' })), reply.toolCalls(toolCall('search', { q: '3' }))];
    server = await ScriptedChatServer.start({ script: script().slice(0, 2) });
    const result = await streamUntilUserInput({
      client: server.client(),
      model: 'm',
      messages: [user('x')],
      tools: [search],
      maxIterations: 2,
      stopWhen: stopAfterIterations(2),
    });
    expect(result.finalToolResult?.content).to.equal('results for 2');
    expect(result.completions).to.have.length(2);
    await server.close();

    server = await ScriptedChatServer.start({ script: script().slice(0, 2) });
    const error = await rejectionOf(streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], tools: [search], maxIterations: 2 }));
    expect(error).to.be.instanceOf(MaxIterationsReached);
  });

  it('takes a function of the step, async too, and any condition of an array stops', async () => {
    server = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('search', { q: 'a' })), reply.toolCalls(toolCall('search', { q: 'stop here' }))] });
    const steps: StopStep[] = [];
    const result = await streamUntilUserInput({
      client: server.client(),
      model: 'm',
      messages: [user('x')],
      tools: [search],
      stopWhen: [
        stopAfterTool('never_called'),
        async (step) => {
          steps.push(step);
          return step.toolResults.some(({ result }) => result.content.includes('stop here'));
        },
      ],
    });
    expect(steps.map((step) => step.iteration)).to.deep.equal([0, 1]);
    expect(steps[1]!.assistantMessage).to.equal(result.messages[3]);
    expect(steps[1]!.toolResults.map(({ toolCall: call, result: r }) => [call.function.name, call.function.arguments, r.content])).to.deep.equal([
      ['search', '{"q":"stop here"}', 'results for stop here'],
    ]);
    expect(result.finalToolResult?.content).to.equal('results for stop here');
  });

  it('does not parse a structured answer when the run stopped after a tool, and fails the run when a condition throws', async () => {
    server = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('submit_answer', { answer: 'a' }))] });
    const result = await streamUntilUserInput({
      client: server.client(),
      model: 'm',
      messages: [user('x')],
      tools: [submit],
      outputType: Answer,
      stopWhen: stopAfterTool('submit_answer'),
    });
    expect(result.parsed).to.equal(undefined);
    expect(result.finalToolResult?.content).to.equal('submitted: a');
    await server.close();

    server = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('search', { q: 'a' }))] });
    const bug = new Error('condition bug');
    const error = await rejectionOf(
      streamUntilUserInput({
        client: server.client(),
        model: 'm',
        messages: [user('x')],
        tools: [search],
        stopWhen: () => {
          throw bug;
        },
      }),
    );
    expect(error).to.equal(bug);
    expect(error.messages.map((message: any) => message.role)).to.deep.equal(['user', 'assistant', 'tool']);
  });

  it('works as an Agent option, and a run that answers without tools has no finalToolResult', async () => {
    server = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('submit_answer', { answer: 'agent' })), reply.text('plain answer')] });
    const agent = new Agent({ client: server.client(), model: 'm', tools: [submit], stopWhen: stopAfterTool('submit_answer') });
    const stopped = await agent.run('x');
    expect(stopped.finalToolResult?.content).to.equal('submitted: agent');
    const answered = await agent.run('y');
    expect(answered.finalToolResult).to.equal(undefined);
    expect(answered.finalContent).to.equal('plain answer');
  });

  it('rejects malformed conditions when they are made', () => {
    expect(() => stopAfterTool('')).to.throw(TypeError, 'stopAfterTool needs the name of a tool');
    expect(() => stopAfterIterations(0)).to.throw(TypeError, 'stopAfterIterations needs a positive integer, got 0');
  });
});
