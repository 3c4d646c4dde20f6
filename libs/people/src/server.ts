/** Server-only code of libs/people: who may come in (access), who people are (people, accounts), their limits. */
export * from './index';
export { peopleEntities, peopleMigrations } from './people-schema';
export * from './access/access.store';
export { PeopleStore, type PersonRecord } from './people/people.store';
export { PeopleService, type ConversationRef, type PeopleServiceOptions } from './people/people.service';
