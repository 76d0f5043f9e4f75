import { Module } from '@nestjs/common';
import { QueueAdminController } from './queue-admin.controller';
import { QueueAdminService } from './queue-admin.service';
import { QueueModule } from './queue.module';

/** The queue for operators: HTTP routes (web app) and the service the CLI shares. */
@Module({
  imports: [QueueModule],
  controllers: [QueueAdminController],
  providers: [QueueAdminService],
  exports: [QueueAdminService],
})
export class QueueAdminModule {}
