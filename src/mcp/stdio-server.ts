import { basename } from 'node:path';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallScopes } from './call-scopes.js';
import type { ClientFeatures } from './client-features.js';
import { McpConnectionError } from './errors.js';
import { connectWithin, describeFailure, networkErrorCode, newClient, type ClientOpener } from './open-client.js';
import { afterPendingOutput, StderrTail } from './stderr-tail.js';

/** What is needed to start a stdio server. */
export interface StdioTarget {
  command: string;
  args: readonly string[];
  env?: Record<string, string>;
  cwd?: string;
  connectTimeout: number;
  onStderr?: (text: string) => void;
}

const MAX_COMMAND_CHARS = 80;
/** Arguments longer than this that are paths show only their last two segments. */
const MAX_PATH_CHARS = 32;

/**
 * How a stdio server is named in messages when it has no label: the command's base name and its
 * arguments, at most 80 characters. Long paths keep their last two segments (`…/fixtures/server.js`),
 * so the script name survives however deep the checkout is; a line still too long keeps its start
 * (command and script) and its end, and loses the middle.
 */
export function describeCommand(target: Pick<StdioTarget, 'command' | 'args'>): string {
  const line = [basename(target.command), ...target.args.map(shortenPath)].join(' ');
  if (line.length <= MAX_COMMAND_CHARS) return line;
  const head = Math.ceil((MAX_COMMAND_CHARS - 1) * 0.6);
  return `${line.slice(0, head)}…${line.slice(line.length - (MAX_COMMAND_CHARS - 1 - head))}`;
}

function shortenPath(arg: string): string {
  if (arg.length <= MAX_PATH_CHARS || !/[\\/]/.test(arg)) return arg;
  const segments = arg.split(/[\\/]+/).filter((segment) => segment !== '');
  return segments.length <= 2 ? arg : `…/${segments.slice(-2).join('/')}`;
}

/**
 * Starts the server process (stderr piped and kept as a short tail) and connects to it. Each call
 * starts a new process, which is how a crashed server is reconnected.
 */
export function stdioOpener(target: StdioTarget, owner: () => string, features: ClientFeatures, scopes: CallScopes): ClientOpener {
  return async () => {
    const transport = new StdioClientTransport({
      command: target.command,
      args: [...target.args],
      ...(target.env ? { env: target.env } : {}),
      ...(target.cwd ? { cwd: target.cwd } : {}),
      stderr: 'pipe',
    });
    const stderr = new StderrTail(transport.stderr, undefined, target.onStderr);
    const client = newClient(features, scopes);
    try {
      await connectWithin(client, transport, target.connectTimeout);
    } catch (error) {
      await afterPendingOutput();
      const reason =
        networkErrorCode(error) === 'ENOENT'
          ? `command "${target.command}" was not found (check the command, PATH and cwd)`
          : describeFailure(error);
      throw new McpConnectionError(`Could not start ${owner()} (${describeCommand(target)}): ${reason}.`, {
        server: owner(),
        stderr: stderr.text,
        cause: error,
      });
    }
    return { client, stderr, close: () => client.close() };
  };
}
