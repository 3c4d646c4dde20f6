import { Body, Controller, Delete, Get, HttpCode, Injectable, Param, Post, type PipeTransform } from '@nestjs/common';
import {
  accessCheckRequestSchema,
  addApprovedUserRequestSchema,
  approvePairingRequestSchema,
  channelSchema,
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
import { parseWith, ZodPipe } from '../core/zod.pipe';
import { AccessService } from './access.service';

/** Validates the `:channel` path parameter. */
@Injectable()
class ChannelPipe implements PipeTransform {
  transform(value: unknown): Channel {
    return parseWith(channelSchema, value, 'channel');
  }
}

/** REST door to access control: pairing requests and approved users, per channel. */
@Controller('api/v1/access/:channel')
export class AccessController {
  constructor(private readonly access: AccessService) {}

  @Post('check')
  @HttpCode(200)
  check(
    @Param('channel', ChannelPipe) channel: Channel,
    @Body(new ZodPipe(accessCheckRequestSchema)) body: AccessCheckRequest,
  ): Promise<AccessCheckResponse> {
    return this.access.check(channel, body);
  }

  @Get('pending')
  async pending(@Param('channel', ChannelPipe) channel: Channel): Promise<PendingPairingsResponse> {
    return { channel, pending: await this.access.pending(channel) };
  }

  @Post('approve')
  @HttpCode(200)
  async approve(
    @Param('channel', ChannelPipe) channel: Channel,
    @Body(new ZodPipe(approvePairingRequestSchema)) body: ApprovePairingRequest,
  ): Promise<ApprovedUserResponse> {
    return { user: await this.access.approve(channel, body.code) };
  }

  @Get('users')
  async users(@Param('channel', ChannelPipe) channel: Channel): Promise<ApprovedUsersResponse> {
    return { channel, users: await this.access.users(channel) };
  }

  @Post('users')
  @HttpCode(200)
  async add(
    @Param('channel', ChannelPipe) channel: Channel,
    @Body(new ZodPipe(addApprovedUserRequestSchema)) body: AddApprovedUserRequest,
  ): Promise<ApprovedUserResponse> {
    return { user: await this.access.add(channel, body) };
  }

  @Delete('users/:userId')
  async revoke(@Param('channel', ChannelPipe) channel: Channel, @Param('userId') userId: string): Promise<RevokeUserResponse> {
    return { revoked: await this.access.revoke(channel, userId) };
  }
}
