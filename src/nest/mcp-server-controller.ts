import { All, Controller, Req, Res, UseGuards, type CanActivate, type Type } from '@nestjs/common';
import { ChatMcpEndpoint } from './chat-mcp-endpoint.js';

/**
 * A controller for the `mcpServer` route, made when the module is defined (routes are fixed then):
 * an ordinary route of the app, so global guards, `guards`, interceptors and filters apply to every
 * MCP request (POST, GET and DELETE).
 */
export function mcpServerController(path: string, guards: readonly (CanActivate | Type<CanActivate>)[] = []): Type<unknown> {
  @Controller(path)
  @UseGuards(...guards)
  class ChatMcpServerController {
    constructor(private readonly endpoint: ChatMcpEndpoint) {}

    @All()
    async handle(@Req() request: unknown, @Res() response: unknown): Promise<void> {
      await this.endpoint.handle(request, response);
    }
  }
  return ChatMcpServerController;
}
