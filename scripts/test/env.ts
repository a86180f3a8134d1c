// Test processes: quiet logs and a cheaper (still real) password hash unless overridden.
process.env.LOG_LEVEL ??= 'silent';
process.env.PASSWORD_HASH_COST ??= '12';
