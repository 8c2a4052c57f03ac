import { expect } from 'chai';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsDate, IsIn, IsNumber, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';
import {
  Describe,
  OutputValidationError,
  parseOutput,
  responseFormatFromClass,
  schemaFromClass,
  streamUntilUserInput,
  ToolConfigurationError,
} from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer } from 'chat-cmpl-stream-handler/testing';
import { rejectionOf, user } from '../support/helpers.js';
import { expectStrict } from './strict-schema.js';

class DayForecast {
  @IsString() day!: string;
  @IsNumber() @Min(-90) @Max(60) celsius!: number;
}

@Describe('A weather forecast')
class Forecast {
  @IsString() city!: string;
  @IsIn(['sunny', 'cloudy', 'rain']) sky!: 'sunny' | 'cloudy' | 'rain';
  @IsOptional() @IsString() warning?: string;
  @ValidateNested({ each: true }) @Type(() => DayForecast) @ArrayMaxSize(7) days!: DayForecast[];
}

describe('structured output', () => {
  let server: ScriptedChatServer;
  afterEach(async () => server?.close({ force: true }));

  it('responseFormatFromClass builds a strict json_schema response format named after the class', () => {
    const format = responseFormatFromClass(Forecast);
    expect(format).to.deep.equal({ type: 'json_schema', json_schema: { name: 'Forecast', schema: schemaFromClass(Forecast), strict: true } });
    expectStrict(format.json_schema.schema);
    expect(responseFormatFromClass(Forecast, { name: 'weekly_forecast', description: 'Seven days ahead' }).json_schema).to.deep.include({
      name: 'weekly_forecast',
      description: 'Seven days ahead',
    });
    expect(() => responseFormatFromClass(Forecast, { name: 'weekly forecast' })).to.throw(ToolConfigurationError, 'Response format name "weekly forecast" is invalid');
  });

  it('parseOutput returns a validated instance; nulls of optional fields count as absent', async () => {
    const forecast = await parseOutput(Forecast, '{"city":"Oslo","sky":"rain","warning":null,"days":[{"day":"Mon","celsius":4.5}]}');
    expect(forecast).to.be.instanceOf(Forecast);
    expect(forecast.days[0]).to.be.instanceOf(DayForecast);
    expect(forecast.days[0]!.celsius).to.equal(4.5);
    expect(Object.hasOwn(forecast, 'warning')).to.equal(false);
  });

  it('parseOutput names every failing field, and rejects text that is not JSON', async () => {
    const invalid = await rejectionOf(parseOutput(Forecast, '{"city":"Oslo","sky":"snow","warning":null,"days":[{"day":"Mon","celsius":99}],"mood":"grim"}'));
    expect(invalid).to.be.instanceOf(OutputValidationError);
    expect(invalid.issues).to.deep.equal([
      { path: 'mood', message: 'unknown property; the allowed properties are: city, sky, warning, days (whitelist)' },
      { path: 'sky', message: 'must be one of the following values: sunny, cloudy, rain (isIn)' },
      { path: 'days[0].celsius', message: 'must not be greater than 60 (max)' },
    ]);
    expect(invalid.message).to.equal(
      [
        'The output does not match Forecast:',
        '- mood: unknown property; the allowed properties are: city, sky, warning, days (whitelist)',
        '- sky: must be one of the following values: sunny, cloudy, rain (isIn)',
        '- days[0].celsius: must not be greater than 60 (max)',
      ].join('\n'),
    );
    const notJson = await rejectionOf(parseOutput(Forecast, 'Sunny all week!'));
    expect(notJson).to.be.instanceOf(OutputValidationError);
    expect(notJson.message).to.match(/^The output does not match Forecast:\n- \(output\): not valid JSON \(/);
  });

  it('parseOutput turns a date-time string into a Date for @IsDate() + @Type(() => Date)', async () => {
    class Meeting {
      @IsString() title!: string;
      @IsDate() @Type(() => Date) startsAt!: Date;
    }
    expectStrict(responseFormatFromClass(Meeting).json_schema.schema);
    const meeting = await parseOutput(Meeting, '{"title":"Standup","startsAt":"2026-11-27T09:30:00Z"}');
    expect(meeting.startsAt).to.be.instanceOf(Date);
    expect(meeting.startsAt.toISOString()).to.equal('2026-11-27T09:30:00.000Z');
    const invalid = await rejectionOf(parseOutput(Meeting, '{"title":"Standup","startsAt":"someday"}'));
    expect(invalid.issues).to.deep.equal([{ path: 'startsAt', message: 'must be a Date instance (isDate)' }]);
  });

  it('sends the response format in a run and parses the final answer into the class', async () => {
    const answer = { city: 'Lima', sky: 'sunny', warning: 'UV index high', days: [{ day: 'Tue', celsius: 24 }] };
    server = await ScriptedChatServer.start({ script: [reply.text(JSON.stringify(answer))] });
    const result = await streamUntilUserInput({
      client: server.client(),
      model: 'gpt-4.1-nano',
      messages: [user('Forecast for Lima?')],
      params: { response_format: responseFormatFromClass(Forecast) },
    });
    expect(server.requests[0]!.body.response_format).to.deep.equal({
      type: 'json_schema',
      json_schema: { name: 'Forecast', schema: schemaFromClass(Forecast), strict: true },
    });
    const forecast = await parseOutput(Forecast, result.finalContent ?? '');
    expect(forecast).to.be.instanceOf(Forecast);
    expect(forecast).to.deep.include({ city: 'Lima', sky: 'sunny', warning: 'UV index high' });
  });
});
