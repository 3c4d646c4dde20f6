import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import {
  type DeliveryCursorResponse,
  type PutDeliveryCursorRequest,
  type PutDeliveryCursorResponse,
} from '@switchboard/protocol';
import { routeBody, routeParam } from '../core/route-pipes';
import { DeliveryCursorsService } from './delivery-cursors.service';

/** REST door to delivery cursors: how far a forwarding door (Telegram) has delivered a session. */
@Controller('api/v1/sessions/:id/delivery-cursors/:consumer')
export class DeliveryCursorsController {
  constructor(private readonly cursors: DeliveryCursorsService) {}

  @Get()
  get(@Param('id') id: string, @Param('consumer', routeParam('getDeliveryCursor', 'consumer')) consumer: string): Promise<DeliveryCursorResponse> {
    return this.cursors.get(id, consumer);
  }

  @Put()
  put(
    @Param('id') id: string,
    @Param('consumer', routeParam('putDeliveryCursor', 'consumer')) consumer: string,
    @Body(routeBody('putDeliveryCursor')) body: PutDeliveryCursorRequest,
  ): Promise<PutDeliveryCursorResponse> {
    return this.cursors.put(id, consumer, body);
  }
}
