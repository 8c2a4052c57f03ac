import { Module } from '@nestjs/common';
import { ChatAuditLog } from './chat-audit-log.js';

/** Provides the audit log that ChatToolsModule uses as a hook handler of every agent. */
@Module({
  providers: [ChatAuditLog],
  exports: [ChatAuditLog],
})
export class AuditModule {}
