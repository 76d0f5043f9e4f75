import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule, BullBoardModuleOptions } from '@bull-board/nestjs';
import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { TRACKING_QUEUE } from '../queue/queue.constants';
import { QueueModule } from '../queue/queue.module';
import { queueUiMiddleware } from './queue-ui.middleware';

export const QUEUE_UI_ROUTE = '/admin/queues';

/** The queue UI (bull-board) at /admin/queues, behind the admin token (queue-ui.middleware.ts). */
@Module({
  imports: [
    QueueModule,
    BullBoardModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        route: QUEUE_UI_ROUTE,
        // @bull-board/express 9.10.1 carries its own copy of @bull-board/api (9.10.1, ours is 9.10.2):
        // the same shapes at run time, two declarations for the type checker.
        adapter: ExpressAdapter as unknown as BullBoardModuleOptions['adapter'],
        middleware: queueUiMiddleware(config.adminToken),
        boardOptions: { uiConfig: { boardTitle: 'bus-tracker' } },
      }),
    }),
    BullBoardModule.forFeature({ name: TRACKING_QUEUE, adapter: BullAdapter }),
  ],
})
export class QueueUiModule {}
