import { expect } from 'chai';
import { IsIn, IsNumber, IsString, Max, Min } from 'class-validator';
import { Agent, Describe, ModelResponseError, OutputValidationError, streamUntilUserInput } from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer } from 'chat-cmpl-stream-handler/testing';
import { rejectionOf, user } from '../support/helpers.js';

class Forecast {
  @Describe('City name') @IsString() city!: string;
  @IsNumber() @Min(-90) @Max(60) celsius!: number;
  @IsIn(['sunny', 'cloudy', 'rain']) sky!: 'sunny' | 'cloudy' | 'rain';
}

describe('structured output (outputType)', () => {
  let server: ScriptedChatServer;
  afterEach(async () => server?.close({ force: true }));

  it('asks for the class as a strict response_format and returns the validated instance as result.parsed', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text(JSON.stringify({ city: 'Tokyo', celsius: 25, sky: 'sunny' }))] });
    const result = await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('Forecast for Tokyo')], outputType: Forecast });
    expect(result.parsed).to.be.instanceOf(Forecast);
    expect(result.parsed).to.deep.include({ city: 'Tokyo', celsius: 25, sky: 'sunny' });
    const format = server.requests[0]!.body.response_format;
    expect(format.type).to.equal('json_schema');
    expect(format.json_schema.name).to.equal('Forecast');
    expect(format.json_schema.strict).to.equal(true);
    expect(format.json_schema.schema.required).to.deep.equal(['city', 'celsius', 'sky']);
  });

  it('fails the run with OutputValidationError naming the field, keeping the messages', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text(JSON.stringify({ city: 'Oslo', celsius: 500, sky: 'sunny' }))] });
    const agent = new Agent({ client: server.client(), model: 'm', outputType: Forecast });
    const error = await rejectionOf(agent.run('Forecast for Oslo'));
    expect(error).to.be.instanceOf(OutputValidationError);
    expect(error.message).to.contain('celsius');
    expect(error.messages.map((m: any) => m.role)).to.deep.equal(['user', 'assistant']);
  });

  it('reports a refusal as such', async () => {
    server = await ScriptedChatServer.start({ script: [reply.refusal('I cannot help with that.')] });
    const error = await rejectionOf(streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], outputType: Forecast }));
    expect(error).to.be.instanceOf(ModelResponseError);
    expect(error.message).to.equal('The model refused to answer in the Forecast format: I cannot help with that.');
  });

  it('gives an Agent typed results across runs', async () => {
    server = await ScriptedChatServer.start({
      script: [reply.text('{"city":"Lima","celsius":18,"sky":"cloudy"}'), reply.text('{"city":"Rome","celsius":30,"sky":"sunny"}')],
    });
    const agent = new Agent({ client: server.client(), model: 'm', instructions: 'Answer with a forecast.', outputType: Forecast });
    const lima = await agent.run('Lima');
    const rome = await agent.run('Rome');
    const cities: string[] = [lima.parsed!.city, rome.parsed!.city];
    expect(cities).to.deep.equal(['Lima', 'Rome']);
  });
});
