import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '@switchboard/persistence';
import { sessionFk } from './session-fk';

const { double, id, int, str, text, timestamp } = columns;

/** The initial schema of libs/session: sessions, history, config, preferences, queue and usage. */
export class InitSessions1763683200000 implements MigrationInterface {
  name = 'InitSessions1763683200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'sessions',
        columns: [
          id(),
          str('channel', 16),
          str('peer_id', 200),
          text('title', true),
          str('project_id', 200, true),
          str('agent', 100, true),
          str('status', 16),
          int('version'),
          str('last_model_config_id', 200, true),
          str('current_turn_id', 64, true),
          timestamp('created_at'),
          timestamp('updated_at'),
          timestamp('last_activity_at'),
        ],
        uniques: [{ name: 'uq_sessions_channel_peer', columnNames: ['channel', 'peer_id'] }],
        indices: [{ name: 'idx_sessions_last_activity_at', columnNames: ['last_activity_at'] }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'messages',
        columns: [
          id(),
          str('session_id', 36),
          int('seq'),
          str('turn_id', 64, true),
          str('role', 16),
          str('kind', 32),
          text('content'),
          text('parts'),
          str('status', 16),
          str('model_config_id', 200, true),
          str('model_source', 16, true),
          str('model_label', 200, true),
          text('warnings'),
          int('input_tokens', true),
          int('output_tokens', true),
          int('cached_tokens', true),
          double('cost_usd', true),
          text('event', true),
          timestamp('created_at'),
        ],
        // The unique (session_id, seq) also serves as the index for history reads.
        uniques: [{ name: 'uq_messages_session_seq', columnNames: ['session_id', 'seq'] }],
        foreignKeys: [sessionFk('messages')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'session_config',
        columns: [
          { ...str('session_id', 36), isPrimary: true, primaryKeyConstraintName: 'pk_session_config' },
          { ...str('key', 100), isPrimary: true, primaryKeyConstraintName: 'pk_session_config' },
          text('value'),
        ],
        foreignKeys: [sessionFk('session_config')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'preferences',
        columns: [{ ...str('key', 100), isPrimary: true }, text('value'), timestamp('updated_at')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'queued_messages',
        columns: [
          id(),
          str('session_id', 36),
          int('position'),
          text('text'),
          str('model_config_id', 200),
          str('model_source', 16),
          timestamp('created_at'),
        ],
        indices: [{ name: 'idx_queued_messages_session_position', columnNames: ['session_id', 'position'] }],
        foreignKeys: [sessionFk('queued_messages')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'usage_records',
        columns: [
          id(),
          str('session_id', 36),
          str('turn_id', 64, true),
          str('message_id', 36, true),
          str('role', 50),
          str('model_config_id', 200),
          int('input_tokens'),
          int('output_tokens'),
          int('cached_tokens'),
          double('cost_usd'),
          timestamp('created_at'),
        ],
        indices: [{ name: 'idx_usage_records_session', columnNames: ['session_id'] }],
        foreignKeys: [sessionFk('usage_records')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Children first, so the foreign keys never point at a dropped table.
    for (const table of ['usage_records', 'queued_messages', 'preferences', 'session_config', 'messages', 'sessions']) {
      await queryRunner.dropTable(table, true);
    }
  }
}
