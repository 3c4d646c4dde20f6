import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import type { AddIdentityRequest, IdentityQuery, PeopleResponse, PersonResponse, UpdatePersonRequest } from '@switchboard/protocol';
import { PeopleService } from '@switchboard/people/server';
import { routeBody, routeQuery } from '../core/route-pipes';

/** REST door to people: the owner and members, their accounts, roles and limits. */
@Controller('api/v1/people')
export class PeopleController {
  constructor(private readonly people: PeopleService) {}

  @Get()
  async list(): Promise<PeopleResponse> {
    return { people: await this.people.list() };
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<PersonResponse> {
    return { person: await this.people.get(id) };
  }

  @Patch(':id')
  async update(@Param('id') id: string, @Body(routeBody('updatePerson')) body: UpdatePersonRequest): Promise<PersonResponse> {
    return { person: await this.people.update(id, body) };
  }

  @Post(':id/identities')
  async addIdentity(@Param('id') id: string, @Body(routeBody('addIdentity')) body: AddIdentityRequest): Promise<PersonResponse> {
    return { person: await this.people.addIdentity(id, body) };
  }

  @Delete(':id/identities')
  async removeIdentity(@Param('id') id: string, @Query(routeQuery('removeIdentity')) query: IdentityQuery): Promise<PersonResponse> {
    return { person: await this.people.removeIdentity(id, query) };
  }
}
