import { badUserInput } from '@marketplace/platform';

export const MAX_ADDRESS_LENGTH = 500;

/** Normalises a shipping address: trimmed, single-spaced, 1 to 500 characters, else `BAD_USER_INPUT`. */
export function validateDestination(raw: string, field = 'destination'): string {
  const address = raw.trim().replace(/\s+/g, ' ');
  if (!address) throw badUserInput(`${field} must not be empty`, field);
  if (address.length > MAX_ADDRESS_LENGTH) {
    throw badUserInput(`${field} must be at most ${MAX_ADDRESS_LENGTH} characters`, field);
  }
  return address;
}
