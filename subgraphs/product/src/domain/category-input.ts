import { badUserInput } from '@marketplace/platform';

export interface NewCategoryFields {
  slug: string;
  name: string;
  description?: string | null;
}

export interface ValidNewCategory {
  slug: string;
  name: string;
  description: string;
}

const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const MAX_SLUG_LENGTH = 64;

/** Checks and normalises `createCategory` input; failures are `BAD_USER_INPUT` naming the field. */
export function validateNewCategory(input: NewCategoryFields): ValidNewCategory {
  const slug = input.slug.trim().toLowerCase();
  if (slug.length > MAX_SLUG_LENGTH || !SLUG_PATTERN.test(slug)) {
    throw badUserInput(
      `slug must be up to ${MAX_SLUG_LENGTH} lower-case letters and digits in words joined by "-"`,
      'slug',
    );
  }
  const name = input.name.trim();
  if (!name) throw badUserInput('name must not be empty', 'name');
  if (name.length > 100) throw badUserInput('name must be at most 100 characters', 'name');
  const description = input.description?.trim() ?? '';
  if (description.length > 1000) {
    throw badUserInput('description must be at most 1000 characters', 'description');
  }
  return { slug, name, description };
}
