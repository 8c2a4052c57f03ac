import { Module } from '@nestjs/common';
import { PageController } from './page.controller.js';

/** Serves the chat page at `/`. */
@Module({ controllers: [PageController] })
export class PageModule {}
