import { AccessPairingEntity } from './access/access-pairing.entity';
import { AccessUserEntity } from './access/access-user.entity';
import { AddAccess1763769600000 } from './migrations/1763769600000-add-access.migration';
import { AddPeople1796800000000 } from './migrations/1796800000000-add-people.migration';
import { PersonIdentityEntity } from './people/person-identity.entity';
import { PersonEntity } from './people/person.entity';

/** The entities of libs/people, for the app's DataSource. */
export const peopleEntities = [AccessPairingEntity, AccessUserEntity, PersonEntity, PersonIdentityEntity];

/** The migrations of libs/people, oldest first. */
export const peopleMigrations = [AddAccess1763769600000, AddPeople1796800000000];
