import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Runs a compiled example as a user would (`node build/examples/<name>.js`) with no API keys in its
 * environment, so it plays against its built-in scripted server. Returns its standard output.
 */
export async function runExample(name: string): Promise<string> {
  const path = fileURLToPath(new URL(`../../examples/${name}.js`, import.meta.url));
  const env = { ...process.env };
  delete env['OPENAI_API_KEY'];
  delete env['ANTHROPIC_API_KEY'];
  const { stdout } = await run(process.execPath, [path], { env, timeout: 20_000 });
  return stdout;
}
