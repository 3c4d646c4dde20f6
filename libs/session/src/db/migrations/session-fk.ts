import type { TableForeignKeyOptions } from 'typeorm';

/** `session_id` → sessions(id), deleted with the session. */
export const sessionFk = (table: string): TableForeignKeyOptions => ({
  name: `fk_${table}_session`,
  columnNames: ['session_id'],
  referencedTableName: 'sessions',
  referencedColumnNames: ['id'],
  onDelete: 'CASCADE',
});
