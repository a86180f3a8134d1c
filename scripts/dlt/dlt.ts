/**
 * `npm run dlt -- list [--topic T]… [--group G] [--limit N] [--json]`
 * `npm run dlt -- replay <eventId>… | --all [--group G] [--topic T]… [--force]`
 *
 * Lists dead-lettered events and replays them to the consumer that failed, once the cause is
 * fixed (see "Dead letters" in the README). Topics are base names (`marketplace.order.events`),
 * namespaced with `KAFKA_NAMESPACE`; the default is every event topic. Exits 1 on failure, 2 on a
 * usage error.
 */
import { parseArgs } from 'node:util';
import {
  configurationOrExit,
  createKafka,
  createLogger,
  DeadLetterAdmin,
  platformSettings,
  positionText,
  readSettings,
  topicSettingsOf,
  type DeadLetter,
  type SettingsSpec,
} from '@marketplace/platform';

const shared = platformSettings('dlt');

/** The platform variables the command reads; none of its own. */
const dltSettings = {
  kafkaBrokers: shared.kafkaBrokers,
  kafkaNamespace: shared.kafkaNamespace,
  kafkaTopicPartitions: shared.kafkaTopicPartitions,
  kafkaReplicationFactor: shared.kafkaReplicationFactor,
} satisfies SettingsSpec<unknown>;

const USAGE = `usage:
  npm run dlt -- list [--topic <topic>]… [--group <consumer>] [--limit <n>] [--json]
  npm run dlt -- replay <eventId>… | --all  [--group <consumer>] [--topic <topic>]… [--force]`;

function usage(problem: string): never {
  process.stderr.write(`${problem}\n${USAGE}\n`);
  process.exit(2);
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        topic: { type: 'string', multiple: true },
        group: { type: 'string' },
        limit: { type: 'string' },
        all: { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
}

const status = ({ replayedAt }: DeadLetter): string =>
  replayedAt ? `replayed ${replayedAt.toISOString()}` : 'pending';

function row(deadLetter: DeadLetter): string[] {
  return [
    deadLetter.at.toISOString(),
    deadLetter.eventId ?? '(not an event)',
    deadLetter.eventType ?? '-',
    deadLetter.source ? positionText(deadLetter.source) : '?',
    deadLetter.groupId ?? deadLetter.consumer ?? '?',
    deadLetter.attempts === undefined ? '?' : String(deadLetter.attempts),
    status(deadLetter),
    deadLetter.reason,
  ];
}

function printTable(deadLetters: DeadLetter[]): void {
  const header = ['DEAD-LETTERED AT', 'EVENT ID', 'TYPE', 'ORIGINAL', 'GROUP', 'ATTEMPTS', 'STATUS', 'ERROR'];
  const rows = [header, ...deadLetters.map(row)];
  const widths = header.map((_, column) => Math.max(...rows.map((cells) => cells[column].length)));
  for (const cells of rows) {
    console.log(
      cells
        .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column])))
        .join('  '),
    );
  }
}

const summary = (deadLetter: DeadLetter): Record<string, unknown> => ({
  eventId: deadLetter.eventId,
  eventType: deadLetter.eventType,
  original: deadLetter.source && positionText(deadLetter.source),
  consumer: deadLetter.consumer,
  groupId: deadLetter.groupId,
  attempts: deadLetter.attempts,
  error: deadLetter.reason,
  deadLetteredAt: deadLetter.at.toISOString(),
  deadLetter: positionText(deadLetter.position),
  replayedAt: deadLetter.replayedAt?.toISOString(),
});

async function main(): Promise<void> {
  const { positionals, values } = parse(process.argv.slice(2));
  const [command, ...eventIds] = positionals;
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0))
    usage('--limit must be a positive integer');
  const settings = configurationOrExit(() => readSettings(dltSettings));
  const log = createLogger('dlt', 'warn');
  const admin = new DeadLetterAdmin({
    kafka: createKafka({ ...settings, serviceName: 'dlt' }, log),
    namespace: settings.kafkaNamespace,
    topicSettings: topicSettingsOf(settings),
    topics: values.topic,
  });
  if (command === 'list') {
    if (eventIds.length > 0) usage('list takes no event ids');
    const deadLetters = await admin.list({ group: values.group, limit });
    if (values.json) console.log(JSON.stringify(deadLetters.map(summary), null, 2));
    else if (deadLetters.length === 0) console.log('no dead-lettered events');
    else printTable(deadLetters);
  } else if (command === 'replay') {
    if (values.all === eventIds.length > 0) usage('replay takes event ids or --all (not both)');
    const result = await admin.replay({
      eventIds,
      all: values.all,
      group: values.group,
      force: values.force,
    });
    for (const deadLetter of result.replayed) {
      console.log(
        `replayed ${deadLetter.eventId} (${deadLetter.eventType ?? '?'}) to ${deadLetter.consumer}`,
      );
    }
    for (const { deadLetter, reason } of result.skipped) {
      console.log(`skipped ${deadLetter.eventId ?? positionText(deadLetter.position)}: ${reason}`);
    }
    for (const eventId of result.unknownEventIds) console.log(`not dead-lettered: ${eventId}`);
    if (result.unknownEventIds.length > 0) process.exitCode = 1;
  } else {
    usage(command ? `unknown command: ${command}` : 'a command is required');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`dlt failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
