// Child process of the benchmark: runs the given lookups through the provider code and prints
// {"peakRssBytes": ..., "lookups": ..., "wrongValues": ...}. Plain JavaScript, so that no
// TypeScript compiler sits in the measured memory.
const fs = require("node:fs");
const path = require("node:path");

const { hostProvider } = require(path.resolve(__dirname, "../../lib/resource/providerHost"));

async function main() {
  const { config, lookups } = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  await hostProvider.configure({ config: { get: (key) => config[key], require: (key) => config[key] } });

  let peakRssBytes = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
  }, 5);

  // Each result is checked as it arrives and then dropped, so the measurement covers the lookups' memory, not 10,000 results.
  let wrongValues = 0;
  await Promise.all(
    lookups.map((lookup) =>
      hostProvider.create({ serverId: lookup.serverId, key: lookup.key, apiVersion: "v2.1" }).then((result) => {
        if (result.outs.value !== lookup.expected) {
          wrongValues += 1;
        }
      }),
    ),
  );
  clearInterval(sampler);

  peakRssBytes = Math.max(peakRssBytes, process.resourceUsage().maxRSS * 1024);
  process.stdout.write(JSON.stringify({ peakRssBytes, lookups: lookups.length, wrongValues }) + "\n");
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
