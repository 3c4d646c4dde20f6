import { Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module';
import { DeliveryCursorsController } from './delivery-cursors.controller';
import { DeliveryCursorsService } from './delivery-cursors.service';

/** Delivery cursors of outside channels (the engine's turn hook keeps them; see engine-extensions.ts). */
@Module({
  imports: [EngineModule],
  controllers: [DeliveryCursorsController],
  providers: [DeliveryCursorsService],
})
export class DeliveryModule {}
