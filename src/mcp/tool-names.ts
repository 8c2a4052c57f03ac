import { createHash } from 'node:crypto';
import { ToolConfigurationError } from '../tools/errors.js';

const MAX_NAME_LENGTH = 64;
const HASH_LENGTH = 8;
const INVALID_NAME_CHARACTERS = /[^a-zA-Z0-9_-]/g;

/**
 * The function name the model sees for an MCP tool: `label__name` when a label is set, made valid
 * for OpenAI (`^[a-zA-Z0-9_-]{1,64}$`). Invalid characters become `_`; a name over 64 characters
 * keeps its first 55 characters and ends with `_` plus 8 hex digits of a SHA-256 of the full
 * name, so it stays the same across runs and processes.
 */
export function exposedToolName(label: string | undefined, mcpName: string): string {
  const qualified = label ? `${label}__${mcpName}` : mcpName;
  const sanitized = qualified.replace(INVALID_NAME_CHARACTERS, '_');
  if (sanitized.length > 0 && sanitized.length <= MAX_NAME_LENGTH) return sanitized;
  const hash = createHash('sha256').update(qualified).digest('hex').slice(0, HASH_LENGTH);
  return `${sanitized.slice(0, MAX_NAME_LENGTH - HASH_LENGTH - 1)}_${hash}`;
}

/** A tool as named for the model, with where it comes from. */
export interface NamedTool {
  /** The name the model sees. */
  readonly exposedName: string;
  /** The tool's name on its server. */
  readonly mcpName: string;
  /** The server, as named in messages (`mcp server "fs"`). */
  readonly owner: string;
}

/**
 * Throws when two tools end up with the same exposed name, naming both tools and their servers.
 * A silent overwrite would make the model call the wrong tool.
 *
 * @throws {ToolConfigurationError}
 */
export function assertUniqueToolNames(tools: Iterable<NamedTool>): void {
  const seen = new Map<string, NamedTool>();
  for (const tool of tools) {
    const earlier = seen.get(tool.exposedName);
    if (earlier) {
      throw new ToolConfigurationError(
        `Two MCP tools would both be called "${tool.exposedName}": tool "${earlier.mcpName}" of ${earlier.owner} ` +
          `and tool "${tool.mcpName}" of ${tool.owner}. Give the servers distinct labels, or use filter to drop one of them.`,
      );
    }
    seen.set(tool.exposedName, tool);
  }
}
