// npm run bench:sharing-verify — federation envelopes verified per second on one core (issue 11
// target: at least 2,000/s). Pure core only: verifyEnvelope over pre-signed requests, the partner
// state kept in memory; no network, no database (the end-to-end figures are bench:sharing's job,
// which runs this same measurement first).
//
//   BENCH_ENVELOPES  envelopes per run (default 5000)
//   BENCH_LOG_SIZE   unrelated entries already in the sender's log (default 100000), so proofs
//                    have the length they have in a log in service
//   BENCH_BATCH      items per checkpoint (default 50): each batch is sealed with a new checkpoint
//                    and a consistency proof from the previous one
//   BENCH_RUNS       runs, the median is reported (default 5)
import { loadavg } from 'node:os';
import { measureVerification, verifyOptionsFromEnv } from './envelope-verify.ts';

const result = await measureVerification(verifyOptionsFromEnv(), (line) => console.log(line));
const m = result.medianCpu;
const load = loadavg()
  .map((x) => x.toFixed(2))
  .join(' ');
console.log(
  `median ${Math.round(m)} envelopes verified per CPU-second (one core; target >= 2000: ${m >= 2000 ? 'met' : 'MISSED'}), ` +
    `median ${Math.round(result.medianWall)}/s wall clock; load average at the end ${load}; node ${process.version}`,
);
