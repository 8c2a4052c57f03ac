import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { openTelemetryApi } from '../telemetry/otel-api.js';
import { CHAT_TOOLS_OPTIONS } from './chat-tools.constants.js';
import type { ChatToolsModuleOptions } from './chat-tools-options.interface.js';

/**
 * With `telemetry` on in the module options, loads `@opentelemetry/api` when the module initializes,
 * so an application missing it fails at startup (`TelemetryUnavailableError`) rather than on each run.
 */
@Injectable()
export class ChatTelemetryCheck implements OnModuleInit {
  constructor(@Inject(CHAT_TOOLS_OPTIONS) private readonly options: ChatToolsModuleOptions) {}

  async onModuleInit(): Promise<void> {
    if (this.options.telemetry) await openTelemetryApi();
  }
}
