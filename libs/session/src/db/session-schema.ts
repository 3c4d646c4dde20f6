import { AddAccess1763769600000 } from '../access/1763769600000-add-access.migration';
import { AccessPairingEntity } from '../access/access-pairing.entity';
import { AccessUserEntity } from '../access/access-user.entity';
import { AddJobs1763856000000 } from '../jobs/1763856000000-add-jobs.migration';
import { JobEntity } from '../jobs/job.entity';
import { MessageEntity } from './message.entity';
import { InitSessions1763683200000 } from './migrations/1763683200000-init-sessions.migration';
import { AddStatelessUsage1796600080000 } from './migrations/1796600080000-add-stateless-usage.migration';
import { AddQueuedTurnOptions1796700000000 } from './migrations/1796700000000-add-queued-turn-options.migration';
import { PreferenceEntity } from './preference.entity';
import { QueuedMessageEntity } from './queued-message.entity';
import { SessionConfigEntity } from './session-config.entity';
import { SessionEntity } from './session.entity';
import { UsageRecordEntity } from './usage-record.entity';

/** The entities of libs/session, for the app's DataSource. */
export const sessionEntities = [
  SessionEntity,
  MessageEntity,
  SessionConfigEntity,
  PreferenceEntity,
  QueuedMessageEntity,
  UsageRecordEntity,
  AccessPairingEntity,
  AccessUserEntity,
  JobEntity,
];

/** The migrations of libs/session, oldest first. */
export const sessionMigrations = [InitSessions1763683200000, AddAccess1763769600000, AddJobs1763856000000, AddStatelessUsage1796600080000, AddQueuedTurnOptions1796700000000];
