/**
 * Example consumer of the results stream (docs/SCALING.md, "Results stream"): what a national
 * clearance system runs to receive Greenlane's decisions for one administration. A durable pull
 * consumer, so a restart resumes where it stopped; each message is acknowledged once handled.
 *
 *   npx tsx examples/results-consumer.ts --nats nats://127.0.0.1:4222 --administration NL [--prefix greenlane] [--from-start]
 *
 * Prints one line per message: `<declarationId> v<version> <channel> <status>` or `<declarationId> REJECTED`.
 */
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

function flag(name: string, fallback?: string): string {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? process.argv[at + 1] : fallback;
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
}

const url = flag('nats', 'nats://127.0.0.1:4222');
const administration = flag('administration');
const prefix = flag('prefix', 'greenlane');
const stream = `${prefix.toUpperCase()}_RESULTS`;
const durable = `clearance_${administration}`;

const nc = await connect({ servers: url });
const jsm = await jetstreamManager(nc);
await jsm.consumers.add(stream, {
  durable_name: durable,
  filter_subject: `${prefix}.results.${administration}`,
  ack_policy: AckPolicy.Explicit,
  deliver_policy: process.argv.includes('--from-start') ? DeliverPolicy.All : DeliverPolicy.New,
});
const consumer = await jetstream(nc).consumers.get(stream, durable);
const messages = await consumer.consume({ max_messages: 500 });
process.once('SIGINT', () => void messages.close());
process.once('SIGTERM', () => void messages.close());

for await (const m of messages) {
  const result = m.json<{
    type: 'decision' | 'reject';
    declarationId?: string;
    version?: number;
    channel?: string;
    status?: string;
  }>();
  // A clearance system would release green declarations here and route the others to officers.
  if (result.type === 'decision')
    process.stdout.write(`${result.declarationId} v${result.version} ${result.channel} ${result.status}\n`);
  else process.stdout.write(`${result.declarationId ?? '(no id)'} REJECTED\n`);
  m.ack();
}
await nc.drain();
