import { Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module';
import { WsGateway } from './ws.gateway';

/** The WebSocket gateway: the engine's methods and events over one socket. */
@Module({
  imports: [EngineModule],
  providers: [WsGateway],
})
export class GatewayModule {}
