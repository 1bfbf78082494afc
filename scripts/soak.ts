// Runs the reliability soak: many lookups against the local ECS endpoint with random injected faults.
// Usage: npm run soak [-- --lookups 10000 --fault-rate 0.1 --concurrency 32 --seed 1 --deadline-ms 3000]
// Prints the figures and exits with status 1 when a lookup returned a wrong value or overran its deadline.
import { parseArgs } from "node:util";

import { DEADLINE_SLACK_MS, runSoak } from "../test/reliability/soakRunner";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      lookups: { type: "string", default: "10000" },
      "fault-rate": { type: "string", default: "0.1" },
      concurrency: { type: "string", default: "32" },
      seed: { type: "string", default: "1" },
      "deadline-ms": { type: "string", default: "3000" },
    },
  });
  const options = {
    lookups: Number(values.lookups),
    faultRate: Number(values["fault-rate"]),
    concurrency: Number(values.concurrency),
    seed: Number(values.seed),
    deadlineMs: Number(values["deadline-ms"]),
  };
  for (const [name, value] of Object.entries(options)) {
    if (!Number.isFinite(value) || value < 0) {
      console.error(`Invalid --${name}: ${String(value)}; use a non-negative number.`);
      return 2;
    }
  }

  const report = await runSoak(options);
  console.log(`lookups            ${report.lookups} (concurrency ${options.concurrency}, seed ${options.seed})`);
  console.log(`succeeded          ${report.succeeded}`);
  console.log(`failed             ${report.lookups - report.succeeded - report.wrongValues} ${JSON.stringify(report.failures)}`);
  console.log(`wrong values       ${report.wrongValues}`);
  console.log(`deadline overruns  ${report.overruns} (deadline ${options.deadlineMs} ms + ${DEADLINE_SLACK_MS} ms slack)`);
  console.log(`requests           ${report.requests}, ${report.faultedRequests} with an injected fault (${((100 * report.faultedRequests) / Math.max(1, report.requests)).toFixed(1)}%)`);
  console.log(`lookup time        p99 ${report.p99LookupMs} ms, max ${report.maxLookupMs} ms`);
  console.log(`total time         ${report.totalMs} ms`);

  const passed = report.wrongValues === 0 && report.overruns === 0;
  console.log(passed ? "soak passed" : "soak FAILED: a lookup returned a wrong value or overran its deadline");
  return passed ? 0 : 1;
}

main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
