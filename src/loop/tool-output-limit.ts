import { ToolResult } from '../tools/tool-result.js';

/**
 * The result with its content cut to the first `maxChars` characters, followed by a note of how much
 * was cut; metadata and `isError` are kept. A surrogate pair is never split.
 */
export function truncateToolOutput(result: ToolResult, maxChars: number): ToolResult {
  const { content } = result;
  if (content.length <= maxChars) return result;
  let end = maxChars;
  const last = content.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  const note = `\n\n[Output truncated: ${content.length - end} of ${content.length} characters cut (maxToolOutputChars: ${maxChars}).]`;
  return new ToolResult(content.slice(0, end) + note, result.metadata, { isError: result.isError });
}
