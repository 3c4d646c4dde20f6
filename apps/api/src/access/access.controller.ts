import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  type AccessCheckRequest,
  type AccessCheckResponse,
  type AddApprovedUserRequest,
  type ApprovedUserResponse,
  type ApprovedUsersResponse,
  type ApprovePairingRequest,
  type Channel,
  type PendingPairingsResponse,
  type RevokeUserResponse,
} from '@switchboard/protocol';
import { routeBody, routeParam } from '../core/route-pipes';
import { AccessService } from './access.service';

/** REST door to access control: pairing requests and approved users, per channel. */
@Controller('api/v1/access/:channel')
export class AccessController {
  constructor(private readonly access: AccessService) {}

  @Post('check')
  @HttpCode(200)
  check(
    @Param('channel', routeParam('checkAccess', 'channel')) channel: Channel,
    @Body(routeBody('checkAccess')) body: AccessCheckRequest,
  ): Promise<AccessCheckResponse> {
    return this.access.check(channel, body);
  }

  @Get('pending')
  async pending(@Param('channel', routeParam('listPendingPairings', 'channel')) channel: Channel): Promise<PendingPairingsResponse> {
    return { channel, pending: await this.access.pending(channel) };
  }

  @Post('approve')
  @HttpCode(200)
  async approve(
    @Param('channel', routeParam('approvePairing', 'channel')) channel: Channel,
    @Body(routeBody('approvePairing')) body: ApprovePairingRequest,
  ): Promise<ApprovedUserResponse> {
    return { user: await this.access.approve(channel, body.code) };
  }

  @Get('users')
  async users(@Param('channel', routeParam('listApprovedUsers', 'channel')) channel: Channel): Promise<ApprovedUsersResponse> {
    return { channel, users: await this.access.users(channel) };
  }

  @Post('users')
  @HttpCode(200)
  async add(
    @Param('channel', routeParam('addApprovedUser', 'channel')) channel: Channel,
    @Body(routeBody('addApprovedUser')) body: AddApprovedUserRequest,
  ): Promise<ApprovedUserResponse> {
    return { user: await this.access.add(channel, body) };
  }

  @Delete('users/:userId')
  async revoke(@Param('channel', routeParam('revokeUser', 'channel')) channel: Channel, @Param('userId') userId: string): Promise<RevokeUserResponse> {
    return { revoked: await this.access.revoke(channel, userId) };
  }
}
