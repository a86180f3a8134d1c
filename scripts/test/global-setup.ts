/** Placeholder until the Kafka runner lands; replaced below. */
export default async function globalSetup(): Promise<void> {}
