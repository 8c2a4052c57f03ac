import { ToolCatalog } from '../tools/catalog.js';
import { ToolConfigurationError } from '../tools/errors.js';
import { TOOL_SOURCE, type Tool, type ToolSource } from '../tools/tool.js';
import type { ToolsetSelection } from './chat-agent-options.interface.js';
import { ChatToolsModuleError } from './chat-tools-module.error.js';
import type { ToolsetCatalog } from './toolset-catalog.js';

/**
 * The toolsets of one agent, as one tool source. An agent can be created before the module has
 * discovered its toolsets (a provider's constructor, a `forFeature` agent), so the selection is
 * resolved, and its tool names checked, when the catalog is ready.
 */
export class SelectedToolsets<C = any> implements ToolSource<C> {
  private tools: ToolCatalog<C> | undefined;

  /** @throws {ChatToolsModuleError | ToolConfigurationError} when the catalog is ready and the selection is wrong or has two tools with one name. */
  constructor(
    private readonly catalog: ToolsetCatalog,
    private readonly selection: ToolsetSelection,
    private readonly agent: string,
  ) {
    catalog.whenReady(() => this.resolve());
  }

  [TOOL_SOURCE](): Promise<Tool<C>[]> {
    const tools = this.tools ? Promise.resolve(this.tools[TOOL_SOURCE]()) : Promise.reject(this.unresolvedError());
    // The Agent constructor asks for tools without awaiting them; whoever awaits still sees a rejection.
    tools.catch(() => {});
    return tools;
  }

  private unresolvedError(): Error {
    if (!this.catalog.ready) return this.catalog.notReadyError(this.agent);
    return new ChatToolsModuleError(`${this.agent} has no toolsets: choosing them failed when the application initialized (see the error app.init() threw).`);
  }

  private resolve(): void {
    const entries = this.catalog.select(this.selection, this.agent);
    const known = entries.flatMap((entry) => this.catalog.toolsNow(entry) ?? []);
    try {
      // Checks the names of every tool known now (MCP servers are connected by then).
      new ToolCatalog<C>({ entries: known });
      this.tools = new ToolCatalog<C>({ entries });
    } catch (error) {
      if (!(error instanceof ToolConfigurationError)) throw error;
      throw new ToolConfigurationError(`${this.agent}: ${error.message}`, { cause: error });
    }
  }
}
