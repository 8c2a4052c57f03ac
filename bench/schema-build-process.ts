/**
 * One cold sample of the schema-build benchmark, in a process of its own (a cold start): declares the
 * benchmark's classes, then measures the CPU of one job and sends it to the parent.
 * - `library`: the first `toolsFromToolset` of every toolset (schemas, plans, invokers).
 * - `baseline`: class-transformer's `plainToInstance` and class-validator's `validate` of one valid
 *   argument object per tool DTO: the first use of the same classes by those libraries themselves.
 */
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { toolsFromToolset } from 'chat-cmpl-stream-handler';
import { defineBenchToolsets } from './schema-build-classes.js';

const mode = process.argv[2];
const { toolsets, tools } = defineBenchToolsets();
const cpu = process.cpuUsage();
const start = performance.now();
if (mode === 'library') {
  let count = 0;
  for (const toolset of toolsets) count += toolsFromToolset(new toolset()).length;
  if (count !== tools.length) throw new Error(`expected ${tools.length} tools, got ${count}`);
} else if (mode === 'baseline') {
  for (const tool of tools) {
    const errors = await validate(plainToInstance(tool.input, structuredClone(tool.validArgs)), { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0) throw new Error(`benchmark arguments do not validate: ${JSON.stringify(errors)}`);
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}
const wallMs = performance.now() - start;
const used = process.cpuUsage(cpu);
process.send!({ cpuMs: (used.user + used.system) / 1000, wallMs });
