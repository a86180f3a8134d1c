export * from './consumer';
export * from './envelope';
export * from './kafka';
export * from './outbox';
export * from './outbox.entity';
export * from './relay';
export * from './workers';
export * from './catalogue';
