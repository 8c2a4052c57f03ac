/**
 * Structured output from a class: `node build/examples/structured-output.js` (after `npm run build:test`).
 * With OPENAI_API_KEY set it asks OpenAI (model from OPENAI_MODEL, default gpt-4.1-nano); without it,
 * the built-in ScriptedChatServer answers with scripted JSON.
 */
import OpenAI from 'openai';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsInt, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';
import { Describe, parseOutput, responseFormatFromClass, streamUntilUserInput } from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer } from 'chat-cmpl-stream-handler/testing';

class DayForecast {
  @Describe('Weekday, e.g. Monday') @IsString() day!: string;
  @Describe('Expected high in °C') @IsInt() @Min(-90) @Max(60) highC!: number;
  @IsIn(['sunny', 'cloudy', 'rain', 'snow']) sky!: 'sunny' | 'cloudy' | 'rain' | 'snow';
}

@Describe('A short weather outlook')
class Outlook {
  @IsString() city!: string;
  @ValidateNested({ each: true }) @Type(() => DayForecast) @ArrayMinSize(1) @ArrayMaxSize(3) days!: DayForecast[];
  @Describe('A warning worth telling, if any') @IsOptional() @IsString() warning?: string;

  hottest(): DayForecast {
    return this.days.reduce((best, day) => (day.highC > best.highC ? day : best));
  }
}

async function main() {
  let client: OpenAI;
  let server: ScriptedChatServer | undefined;
  if (process.env['OPENAI_API_KEY']) {
    console.log('Using OpenAI (OPENAI_API_KEY is set).');
    client = new OpenAI();
  } else {
    const scripted = {
      city: 'Lisbon',
      days: [
        { day: 'Monday', highC: 21, sky: 'sunny' },
        { day: 'Tuesday', highC: 23, sky: 'cloudy' },
        { day: 'Wednesday', highC: 19, sky: 'rain' },
      ],
      warning: null,
    };
    server = await ScriptedChatServer.start({ script: [reply.text(JSON.stringify(scripted))] });
    console.log(`No OPENAI_API_KEY: using the built-in ScriptedChatServer at ${server.url}.`);
    client = server.client();
  }

  try {
    const responseFormat = responseFormatFromClass(Outlook);
    console.log('response_format.json_schema.schema:');
    console.log(JSON.stringify(responseFormat.json_schema.schema, null, 2));

    const result = await streamUntilUserInput({
      client,
      model: process.env['OPENAI_MODEL'] ?? 'gpt-4.1-nano',
      messages: [{ role: 'user', content: 'Give me a three-day outlook for Lisbon (make it up if you must).' }],
      params: { response_format: responseFormat },
    });

    // A validated instance of the class: methods work, nested items are DayForecast instances.
    const outlook = await parseOutput(Outlook, result.finalContent ?? '');
    const hottest = outlook.hottest();
    console.log(`\n${outlook.city}: hottest day ${hottest.day} at ${hottest.highC}°C (${hottest.sky}).`);
    console.log(outlook.warning === undefined ? 'No warning.' : `Warning: ${outlook.warning}`);
  } finally {
    await server?.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
