import { Body, Controller, Get, Injectable, Param, Put, type PipeTransform } from '@nestjs/common';
import {
  deliveryConsumerSchema,
  putDeliveryCursorRequestSchema,
  type DeliveryCursorResponse,
  type PutDeliveryCursorRequest,
  type PutDeliveryCursorResponse,
} from '@switchboard/protocol';
import { parseWith, ZodPipe } from '../core/zod.pipe';
import { DeliveryCursorsService } from './delivery-cursors.service';

/** Validates the `:consumer` path parameter. */
@Injectable()
class ConsumerPipe implements PipeTransform {
  transform(value: unknown): string {
    return parseWith(deliveryConsumerSchema, value, 'consumer');
  }
}

/** REST door to delivery cursors: how far a forwarding door (Telegram) has delivered a session. */
@Controller('api/v1/sessions/:id/delivery-cursors/:consumer')
export class DeliveryCursorsController {
  constructor(private readonly cursors: DeliveryCursorsService) {}

  @Get()
  get(@Param('id') id: string, @Param('consumer', ConsumerPipe) consumer: string): Promise<DeliveryCursorResponse> {
    return this.cursors.get(id, consumer);
  }

  @Put()
  put(
    @Param('id') id: string,
    @Param('consumer', ConsumerPipe) consumer: string,
    @Body(new ZodPipe(putDeliveryCursorRequestSchema)) body: PutDeliveryCursorRequest,
  ): Promise<PutDeliveryCursorResponse> {
    return this.cursors.put(id, consumer, body);
  }
}
