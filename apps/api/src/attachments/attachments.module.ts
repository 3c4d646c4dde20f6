import { Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module';
import { AttachmentsController } from './attachments.controller';

/** Attachments (images, PDFs): upload, read, delete an unsent upload. Sending them is a message's `attachmentIds`. */
@Module({
  imports: [EngineModule],
  controllers: [AttachmentsController],
})
export class AttachmentsModule {}
