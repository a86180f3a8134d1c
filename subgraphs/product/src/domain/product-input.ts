import { badUserInput, parseId } from '@marketplace/platform';

export interface NewProductFields {
  sku: string;
  name: string;
  description?: string | null;
  price: number;
  categoryId: string;
  stock: number;
}

export interface ValidNewProduct {
  /** Upper-case. */
  sku: string;
  name: string;
  description: string;
  price: number;
  categoryId: string;
  stock: number;
}

const SKU_PATTERN = /^[A-Z0-9][A-Z0-9_-]{0,63}$/;
export const MAX_NAME_LENGTH = 200;
export const MAX_DESCRIPTION_LENGTH = 5000;

const isNonNegativeInteger = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;

/** Checks and normalises `createProduct` input; every failure is `BAD_USER_INPUT` naming the field. */
export function validateNewProduct(input: NewProductFields): ValidNewProduct {
  const sku = input.sku.trim().toUpperCase();
  if (!SKU_PATTERN.test(sku)) {
    throw badUserInput(
      'sku must be 1 to 64 letters, digits, "-" or "_", starting with a letter or digit',
      'sku',
    );
  }
  const name = input.name.trim();
  if (!name) throw badUserInput('name must not be empty', 'name');
  if (name.length > MAX_NAME_LENGTH) {
    throw badUserInput(`name must be at most ${MAX_NAME_LENGTH} characters`, 'name');
  }
  const description = input.description?.trim() ?? '';
  if (description.length > MAX_DESCRIPTION_LENGTH) {
    throw badUserInput(`description must be at most ${MAX_DESCRIPTION_LENGTH} characters`, 'description');
  }
  if (!isNonNegativeInteger(input.price)) {
    throw badUserInput('price must be a non-negative amount in minor units', 'price');
  }
  if (!isNonNegativeInteger(input.stock)) throw badUserInput('stock must not be negative', 'stock');
  return {
    sku,
    name,
    description,
    price: input.price,
    categoryId: parseId(input.categoryId, 'categoryId'),
    stock: input.stock,
  };
}

/** A restock adds at least one unit. */
export function validateRestockQuantity(quantity: number): number {
  if (!Number.isSafeInteger(quantity) || quantity < 1) {
    throw badUserInput('quantity must be a positive integer', 'quantity');
  }
  return quantity;
}
