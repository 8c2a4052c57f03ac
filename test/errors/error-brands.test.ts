import { expect } from 'chai';
import type { ToolConfigurationError } from 'chat-cmpl-stream-handler';
import { ENTRIES, importEsm, requireCommonJs, type EntryName } from '../support/package-copies.js';

type Entry = Record<string, any>;

const toolCall = { id: 'call_1', type: 'function' as const, function: { name: 'flaky', arguments: '{}' } };

/** One instance of every public error class, built through the given copy's exports. */
const FACTORIES: Record<string, { entry: EntryName; make: (m: Entry) => Error; bases: string[] }> = {
  RunError: { entry: 'core', make: (m) => new m.RunError('run failed'), bases: [] },
  MaxIterationsReached: { entry: 'core', make: (m) => new m.MaxIterationsReached(3), bases: ['RunError'] },
  RunAbortedError: { entry: 'core', make: (m) => new m.RunAbortedError(new Error('stop')), bases: ['RunError'] },
  ToolCallError: { entry: 'core', make: (m) => new m.ToolCallError(toolCall, new Error('boom')), bases: ['RunError'] },
  ModelResponseError: { entry: 'core', make: (m) => new m.ModelResponseError('empty stream'), bases: ['RunError'] },
  RunStateError: { entry: 'core', make: (m) => new m.RunStateError('not a state'), bases: [] },
  ToolCallRejectedError: { entry: 'core', make: (m) => new m.ToolCallRejectedError(toolCall, 'The user rejected this tool call.'), bases: [] },
  HookError: { entry: 'core', make: (m) => new m.HookError('Audit.onRun', 'run.completed', new Error('x')), bases: ['RunError'] },
  ToolCallCancelledError: { entry: 'core', make: (m) => new m.ToolCallCancelledError('slow', 'another call failed'), bases: [] },
  ToolReportedError: { entry: 'core', make: (m) => new m.ToolReportedError('find', 'not found'), bases: [] },
  ToolArgumentsError: { entry: 'core', make: (m) => new m.ToolArgumentsError('find', [{ path: 'q', message: 'required' }]), bases: [] },
  ToolTimeoutError: { entry: 'core', make: (m) => new m.ToolTimeoutError('slow', 50), bases: [] },
  UnknownToolError: { entry: 'core', make: (m) => new m.UnknownToolError('nope', ['find']), bases: [] },
  ToolConfigurationError: { entry: 'core', make: (m) => new m.ToolConfigurationError('two tools named find'), bases: [] },
  RepeatedToolCallError: { entry: 'core', make: (m) => new m.RepeatedToolCallError('search', 3, 3), bases: [] },
  StreamTimeoutError: { entry: 'core', make: (m) => new m.StreamTimeoutError('idle', 100, 'gpt-x'), bases: ['RunError'] },
  OutputValidationError: { entry: 'core', make: (m) => new m.OutputValidationError('Answer', [{ path: 'x', message: 'bad' }]), bases: [] },
  TelemetryUnavailableError: { entry: 'core', make: (m) => new m.TelemetryUnavailableError(new Error("Cannot find package '@opentelemetry/api'")), bases: [] },
  ScriptError: { entry: 'testing', make: (m) => new m.ScriptError('script not done'), bases: [] },
  McpConfigurationError: { entry: 'mcp', make: (m) => new m.McpConfigurationError('no url'), bases: [] },
  McpConnectionError: { entry: 'mcp', make: (m) => new m.McpConnectionError('refused', { server: 'fs' }), bases: [] },
  McpToolCallError: {
    entry: 'mcp',
    make: (m) => new m.McpToolCallError('gone', { server: 'fs', tool: 'read', connectionLost: true }),
    bases: [],
  },
  ChatToolsModuleError: { entry: 'nest', make: (m) => new m.ChatToolsModuleError('bad options'), bases: [] },
  RunDecisionError: { entry: 'nest', make: (m) => new m.RunDecisionError('unknown_run', 'no such run'), bases: ['RunStateError'] },
  AgentQueueError: { entry: 'bullmq', make: (m) => new m.AgentQueueError('no such run'), bases: [] },
};

/** Error classes an entry re-exports from a dependency (the MCP SDK's OAuth error): not ours to brand. */
const REEXPORTED = new Set(['UnauthorizedError']);

const ENTRY_NAMES = Object.keys(ENTRIES) as EntryName[];

async function loadAll(load: (entry: EntryName) => Promise<Entry>): Promise<Record<EntryName, Entry>> {
  const loaded = await Promise.all(ENTRY_NAMES.map(load));
  return Object.fromEntries(ENTRY_NAMES.map((name, i) => [name, loaded[i]])) as Record<EntryName, Entry>;
}

function errorClasses(module: Entry): [string, Function][] {
  return Object.entries(module).filter(
    (entry): entry is [string, Function] => typeof entry[1] === 'function' && entry[1].prototype instanceof Error,
  );
}

describe('errors: one base, recognised across the ESM and the CommonJS copy of the package', () => {
  let esm: Record<EntryName, Entry>;
  let cjs: Record<EntryName, Entry>;

  before(async () => {
    esm = await loadAll(importEsm);
    cjs = await loadAll(requireCommonJs);
    expect(cjs.core['ToolTimeoutError']).to.not.equal(esm.core['ToolTimeoutError'], 'the two copies must be distinct modules');
  });

  it('every exported error class extends ChatCmplError and is covered here', () => {
    const exported = ENTRY_NAMES.flatMap((entry) => errorClasses(esm[entry]).map(([name]) => name));
    expect(exported.filter((name) => name !== 'ChatCmplError' && !REEXPORTED.has(name)).sort()).to.deep.equal(Object.keys(FACTORIES).sort());
    for (const [name, { entry, make }] of Object.entries(FACTORIES)) {
      expect(make(esm[entry]), name).to.be.instanceOf(esm.core['ChatCmplError']);
    }
  });

  it('names each error after its class; RunAbortedError keeps the platform name AbortError', () => {
    for (const [name, { entry, make }] of Object.entries(FACTORIES)) {
      const error = make(esm[entry]);
      expect(error.name, name).to.equal(name === 'RunAbortedError' ? 'AbortError' : name);
      expect(Object.keys(error), `${name} has no enumerable name`).to.not.include('name');
      expect(String(error)).to.match(new RegExp(`^${error.name}: `));
    }
  });

  for (const [from, to] of [
    ['esm', 'cjs'],
    ['cjs', 'esm'],
  ] as const) {
    it(`an error made by the ${from} copy is an instance of the ${to} copy's class and of its bases`, () => {
      const copies = { esm, cjs };
      for (const [name, { entry, make, bases }] of Object.entries(FACTORIES)) {
        const error = make(copies[from][entry]);
        const other = copies[to];
        expect(error instanceof other[entry][name], `${name} instanceof ${to}.${name}`).to.equal(true);
        for (const base of bases) expect(error instanceof other.core[base], `${name} instanceof ${to}.${base}`).to.equal(true);
        expect(error instanceof other.core['ChatCmplError'], `${name} instanceof ${to}.ChatCmplError`).to.equal(true);
        expect(error).to.be.instanceOf(Error);
      }
    });
  }

  it('does not mistake one error class for another, nor foreign values for library errors', () => {
    const timeout = new cjs.core['ToolTimeoutError']('slow', 50);
    expect(timeout instanceof esm.core['ToolArgumentsError']).to.equal(false);
    expect(timeout instanceof esm.core['RunError']).to.equal(false);
    expect(new cjs.core['MaxIterationsReached'](2) instanceof esm.core['ToolCallError']).to.equal(false);
    for (const value of [new Error('x'), { name: 'ToolTimeoutError', message: 'x' }, 'ToolTimeoutError', null, undefined, 42]) {
      expect(value instanceof esm.core['ChatCmplError']).to.equal(false);
      expect(value instanceof esm.core['ToolTimeoutError']).to.equal(false);
    }
  });

  it("a user's subclass has its own name, is matched by its library bases in both copies, and is itself a plain class", () => {
    const Base: typeof ToolConfigurationError = esm.core['ToolConfigurationError'];
    class TenantToolsError extends Base {}
    const error = new TenantToolsError('tenant 7 has no tools');
    expect(error.name).to.equal('TenantToolsError');
    expect(error).to.be.instanceOf(TenantToolsError);
    expect(error instanceof cjs.core['ToolConfigurationError']).to.equal(true);
    expect(error instanceof cjs.core['ChatCmplError']).to.equal(true);
    expect(new Base('plain') instanceof TenantToolsError).to.equal(false);
    expect(new cjs.core['ToolConfigurationError']('other copy') instanceof TenantToolsError).to.equal(false);
  });
});
