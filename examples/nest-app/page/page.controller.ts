import { applyDecorators, Controller, Get, Header, HttpCode } from '@nestjs/common';
import { readPageFiles, type PageFiles } from './page-files.js';

/**
 * Serves a file of the page with its type. The content security policy allows only this origin's
 * files (no inline script); the script writes model output as text, never as HTML.
 */
const Serves = (contentType: string) =>
  applyDecorators(
    Header('content-type', contentType),
    Header('content-security-policy', "default-src 'self'"),
    Header('x-content-type-options', 'nosniff'),
    Header('cache-control', 'no-cache'),
  );

/** The chat page: `GET /`, its stylesheet and its script (and no icon, rather than a 404 in the console). */
@Controller()
export class PageController {
  private readonly files: PageFiles = readPageFiles();

  @Get()
  @Serves('text/html; charset=utf-8')
  page(): string {
    return this.files.html;
  }

  @Get('chat.css')
  @Serves('text/css; charset=utf-8')
  stylesheet(): string {
    return this.files.css;
  }

  @Get('chat.js')
  @Serves('text/javascript; charset=utf-8')
  script(): string {
    return this.files.js;
  }

  @Get('favicon.ico')
  @HttpCode(204)
  icon(): void {}
}
