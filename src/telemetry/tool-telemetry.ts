import type { Attributes, Context, Span } from '@opentelemetry/api';
import type { ToolCall } from '../tools/tool.js';
import type { ToolResult } from '../tools/tool-result.js';
import { toolArgumentsJson } from './content.js';
import type { RunTelemetry } from './run-telemetry.js';
import * as sc from './semconv.js';
import type { ToolTracing } from './tracing.js';

/** The `execute_tool {name}` span of one tool call. */
export class ToolTelemetry implements ToolTracing {
  private readonly span: Span;
  private readonly context: Context;

  constructor(
    private readonly owner: RunTelemetry,
    toolCall: ToolCall,
  ) {
    const name = toolCall.function.name;
    const attributes: Attributes = {
      [sc.ATTR_GEN_AI_OPERATION_NAME]: sc.GEN_AI_OPERATION_EXECUTE_TOOL,
      [sc.ATTR_GEN_AI_TOOL_NAME]: name,
      [sc.ATTR_GEN_AI_TOOL_CALL_ID]: toolCall.id,
      [sc.ATTR_GEN_AI_TOOL_TYPE]: 'function',
    };
    if (owner.captureContent) attributes[sc.ATTR_GEN_AI_TOOL_CALL_ARGUMENTS] = toolArgumentsJson(toolCall.function.arguments);
    ({ span: this.span, context: this.context } = owner.startChild(`${sc.GEN_AI_OPERATION_EXECUTE_TOOL} ${name}`, owner.api.SpanKind.INTERNAL, attributes));
  }

  /** Runs the tool with this span active, so the tool's own spans and its MCP or HTTP calls nest under it. */
  run<T>(invoke: () => T): T {
    return this.owner.withContext(this.context, invoke);
  }

  /**
   * Ends the span: status ERROR and `error.type` when the call threw (`error`), or returned a
   * `ToolResult` with `isError` (`ToolReportedError`).
   */
  end(result: ToolResult, failed: boolean, error: unknown, runAborted: boolean): void {
    this.owner.guardTrace(() => {
      if (failed) this.owner.markFailed(this.span, error, runAborted);
      else {
        if (this.owner.captureContent) this.span.setAttribute(sc.ATTR_GEN_AI_TOOL_CALL_RESULT, result.content);
        if (result.isError) {
          this.span.setAttribute(sc.ATTR_ERROR_TYPE, 'ToolReportedError');
          this.span.setStatus({ code: this.owner.api.SpanStatusCode.ERROR });
        }
      }
      this.span.end();
    });
  }
}
