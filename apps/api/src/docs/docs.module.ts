import { Module } from '@nestjs/common';
import { DocsController } from './docs.controller';

/** The OpenAPI document and its viewer. */
@Module({
  controllers: [DocsController],
})
export class DocsModule {}
