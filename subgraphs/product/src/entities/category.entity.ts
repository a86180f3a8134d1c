import { EntitySchema } from '@mikro-orm/postgresql';
import { newId } from '@marketplace/platform';

/** A catalog section (bouquets, roses, …), addressed in URLs by its slug. */
export class Category {
  id: string = newId();
  /** Lower-case URL name, unique, e.g. `potted-plants`. */
  slug: string;
  name: string;
  /** Default: empty. */
  description: string;

  constructor(slug: string, name: string, description = '') {
    this.slug = slug;
    this.name = name;
    this.description = description;
  }
}

export const CategorySchema = new EntitySchema<Category>({
  class: Category,
  tableName: 'categories',
  properties: {
    id: { type: 'uuid', primary: true },
    slug: { type: 'string', length: 64, unique: 'categories_slug_unique' },
    name: { type: 'string', length: 100 },
    description: { type: 'text', default: '' },
  },
});
