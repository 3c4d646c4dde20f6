import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { AccessController } from './access.controller';
import { AccessService } from './access.service';

/** Telegram pairing: who may talk to the bot. */
@Module({
  imports: [DatabaseModule],
  controllers: [AccessController],
  providers: [AccessService],
})
export class AccessModule {}
