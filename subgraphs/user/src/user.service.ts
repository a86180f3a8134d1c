import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  badUserInput,
  createTokenSigner,
  unauthenticated,
  type PlatformConfig,
  type TokenSigner,
} from '@marketplace/platform';
import { hashPassword, verifyPassword } from './domain/password';
import { validateEmail, validateRegistration, type RegistrationFields } from './domain/registration';
import { User } from './entities/user.entity';
import type { UserSettings } from './settings';

export interface AuthResult {
  token: string;
  user: User;
}

/** What the service needs of a request: its own EntityManager fork. */
export interface UserServiceContext {
  em: EntityManager;
}

/** Registration, sign-in and administrator management. */
export class UserService {
  private readonly tokens: TokenSigner;
  /** A real hash to compare against when the email is unknown, so timing does not reveal accounts. */
  private decoyHash: Promise<string> | undefined;

  private readonly hashCost: number;

  /**
   * @param settings the service's settings (`runtime.settings`). Callers outside the subgraph's
   *   bootstrap that do not pass them (the `create-admin` script) get them read and validated
   *   from the environment by the platform, as the bootstrap would.
   */
  constructor(config: PlatformConfig, settings: UserSettings) {
    this.tokens = createTokenSigner(config.jwtSecret, config.jwtExpiresIn);
    this.hashCost = settings.passwordHashCost;
  }

  async register(context: UserServiceContext, input: RegistrationFields): Promise<AuthResult> {
    const valid = validateRegistration(input);
    const em = context.em.fork();
    if (await em.count(User, { email: valid.email })) throw this.emailTaken();
    const user = new User(
      valid.email,
      await hashPassword(valid.password, this.hashCost),
      valid.fullName,
      valid.city,
      valid.birthDate,
    );
    try {
      await em.persistAndFlush(user);
    } catch (error) {
      // Two registrations of one email racing: the unique index decides.
      if (error instanceof UniqueConstraintViolationException) throw this.emailTaken();
      throw error;
    }
    return { token: this.tokens.sign(user), user };
  }

  async login(context: UserServiceContext, email: string, password: string): Promise<AuthResult> {
    const user = await context.em.findOne(
      User,
      { email: email.trim().toLowerCase() },
      { populate: ['passwordHash'] },
    );
    if (!user) {
      this.decoyHash ??= hashPassword('decoy password', this.hashCost);
      await verifyPassword(password, await this.decoyHash);
      throw unauthenticated('Invalid email or password');
    }
    if (!(await verifyPassword(password, user.passwordHash)))
      throw unauthenticated('Invalid email or password');
    return { token: this.tokens.sign(user), user };
  }

  /** Creates an administrator, or promotes (and re-passwords) an existing account. */
  async createAdmin(context: UserServiceContext, email: string, password: string): Promise<User> {
    const valid = validateRegistration({ email: validateEmail(email), password, fullName: 'Administrator' });
    const em = context.em.fork();
    let user = await em.findOne(User, { email: valid.email });
    if (!user) {
      user = new User(valid.email, '', valid.fullName, null, null);
      em.persist(user);
    }
    user.passwordHash = await hashPassword(valid.password, this.hashCost);
    user.role = 'ADMIN';
    await em.flush();
    return user;
  }

  private emailTaken() {
    return badUserInput('An account with this email already exists', 'email');
  }
}
