import { badUserInput } from '@marketplace/platform';

export interface RegistrationFields {
  email: string;
  password: string;
  fullName: string;
  city?: string | null;
  birthDate?: string | null;
}

export interface ValidRegistration {
  email: string;
  password: string;
  fullName: string;
  city: string | null;
  birthDate: string | null;
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export function validateEmail(raw: string): string {
  const email = normalizeEmail(raw);
  if (email.length > 254 || !EMAIL_PATTERN.test(email))
    throw badUserInput('email is not a valid email address', 'email');
  return email;
}

function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

function optionalText(value: string | null | undefined, field: string, max: number): string | null {
  const trimmed = value?.trim();
  if (!trimmed) return null;
  if (trimmed.length > max) throw badUserInput(`${field} must be at most ${max} characters`, field);
  return trimmed;
}

/** Checks and normalises registration input; every failure is `BAD_USER_INPUT` naming the field. */
export function validateRegistration(input: RegistrationFields, today = new Date()): ValidRegistration {
  const email = validateEmail(input.email);
  if (input.password.length < MIN_PASSWORD_LENGTH || input.password.length > MAX_PASSWORD_LENGTH) {
    throw badUserInput(
      `password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long`,
      'password',
    );
  }
  const fullName = optionalText(input.fullName, 'fullName', 100);
  if (!fullName) throw badUserInput('fullName must not be empty', 'fullName');
  const birthDate = optionalText(input.birthDate, 'birthDate', 10);
  if (birthDate !== null && (!isIsoDate(birthDate) || new Date(birthDate) > today)) {
    throw badUserInput('birthDate must be a past date in the form YYYY-MM-DD', 'birthDate');
  }
  return {
    email,
    password: input.password,
    fullName,
    city: optionalText(input.city, 'city', 100),
    birthDate,
  };
}
