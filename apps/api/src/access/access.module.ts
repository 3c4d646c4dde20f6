import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { PeopleModule } from '../people/people.module';
import { AccessController } from './access.controller';
import { AccessService } from './access.service';

/** Telegram pairing: who may talk to the bot (an approved user becomes a member). */
@Module({
  imports: [DatabaseModule, PeopleModule],
  controllers: [AccessController],
  providers: [AccessService],
})
export class AccessModule {}
