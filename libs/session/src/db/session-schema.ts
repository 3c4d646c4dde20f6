import { AttachmentEntity } from './attachment.entity';
import { MessageEntity } from './message.entity';
import { InitSessions1763683200000 } from './migrations/1763683200000-init-sessions.migration';
import { AddStatelessUsage1796600080000 } from './migrations/1796600080000-add-stateless-usage.migration';
import { AddQueuedTurnOptions1796700000000 } from './migrations/1796700000000-add-queued-turn-options.migration';
import { AddPeopleToSessions1796800001000 } from './migrations/1796800001000-add-people-to-sessions.migration';
import { AddConversationManagement1796900000000 } from './migrations/1796900000000-add-conversation-management.migration';
import { AddTurnLeases1797300000000 } from './migrations/1797300000000-add-turn-leases.migration';
import { AddMessageSearchIndexing1797400000000 } from './migrations/1797400000000-add-message-search-indexing.migration';
import { AddAttachments1797700000000 } from './migrations/1797700000000-add-attachments.migration';
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
  AttachmentEntity,
];

/** The migrations of libs/session, oldest first. */
export const sessionMigrations = [InitSessions1763683200000, AddStatelessUsage1796600080000, AddQueuedTurnOptions1796700000000, AddPeopleToSessions1796800001000, AddConversationManagement1796900000000, AddTurnLeases1797300000000, AddMessageSearchIndexing1797400000000, AddAttachments1797700000000];
