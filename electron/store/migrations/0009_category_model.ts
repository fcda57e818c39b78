import { sql } from 'kysely';
import type { Migration } from './types';
import { strict } from './ddl';

/**
 * The learned category suggestion model (electron/classify), persisted so a start restores it
 * instead of retraining on the last 50k tickets. One row: the model JSON, the features version it
 * was made with (another version is retrained), and how far through the tickets it has learned.
 */
export const migration0009categoryModel: Migration = {
  version: 9,
  name: 'category_model',
  async up(db, dialect) {
    await strict(db.schema.createTable('category_model')
      .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('trained_through', 'text')
      .addColumn('tickets_through', 'integer', (c) => c.notNull())
      .addColumn('documents', 'integer', (c) => c.notNull())
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('saved_at', 'text', (c) => c.notNull()), dialect).execute();
  },
};
