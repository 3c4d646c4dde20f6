import { Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AccessStore } from '@switchboard/people/server';
import { DATA_SOURCE } from '../core/tokens';
import { DatabaseModule } from '../database/database.module';
import { PeopleModule } from '../people/people.module';
import { AccessController } from './access.controller';
import { AccessService } from './access.service';

/** Telegram pairing: who may talk to the bot (an approved user becomes a member). */
@Module({
  imports: [DatabaseModule, PeopleModule],
  controllers: [AccessController],
  providers: [{ provide: AccessStore, inject: [DATA_SOURCE], useFactory: (ds: DataSource) => new AccessStore(ds.manager) }, AccessService],
})
export class AccessModule {}
