import type { Migration } from './types';
import { createIndex, strict } from './ddl';

/** Call scripts (话术) per stage and category, and knowledge articles with source and validity. */
export const migration0006knowledge: Migration = {
  version: 6,
  name: 'knowledge',
  async up(db, dialect) {
    await strict(db.schema.createTable('call_scripts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('stage', 'text', (c) => c.notNull())
      .addColumn('category_id', 'text', (c) => c.references('categories.id'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', 'text', (c) => c.notNull()), dialect).execute();
    await createIndex(db, 'call_scripts_stage', 'call_scripts', ['stage', 'category_id']);

    await strict(db.schema.createTable('knowledge_articles')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('category_id', 'text', (c) => c.references('categories.id'))
      // The policy it rests on (e.g. a regulation and its article), shown beside the answer.
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('valid_from', 'text', (c) => c.notNull())
      .addColumn('valid_until', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text'), dialect).execute();
    await createIndex(db, 'knowledge_articles_category', 'knowledge_articles', ['category_id']);
  },
};
