// Runs the built `ecs-metadata` command (lib/cli/main.js) as a process against the local ECS endpoint.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { parse as parseYaml } from "yaml";

import { loadSimulatorData, startSimulator, type RunningSimulator, type SimulatorData } from "../../provider/simulator";

const REPOSITORY_ROOT = path.resolve(__dirname, "../..");
const FIXTURES = path.join(REPOSITORY_ROOT, "test/fixtures/cli");
const CLI = path.join(REPOSITORY_ROOT, "lib/cli/main.js");
const PACKAGE_VERSION = (JSON.parse(readFileSync(path.join(REPOSITORY_ROOT, "package.json"), "utf8")) as { version: string }).version;

const DATA: SimulatorData = loadSimulatorData(path.join(FIXTURES, "servers.json"));
const PROJECT_ID = DATA.projects[0].id;
const WEB_ID = "6f0e2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b";
const DB_ID = "7a1b2c3d-5e6f-4a7b-9c8d-1e2f3a4b5c6d";
const PERMANENT = DATA.credentials[0];
const TEMPORARY = DATA.credentials[1];

/** Values that no output of the command may contain: the secret expectations of the fixtures and the secret keys. */
const SECRETS = [
  "s3cret-value-1",
  "wrong-secret-value",
  "do-not-print-me",
  PERMANENT.secretKey,
  TEMPORARY.secretKey,
  TEMPORARY.securityToken as string,
  "Cli-Test-Password-0001",
  "Cli-Wrong-Password-0001",
];

/** Time a run may take before the test kills it, in milliseconds. */
const RUN_TIMEOUT_MS = 20_000;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** IAM user of the simulators that serve the IAM calls. */
const IAM_USER = { name: "cli-deployer", password: "Cli-Test-Password-0001", domainName: "cli-test-account" };

/** Home folder of every run that sets no HOME: empty, so no ~/.hcloud/config.json is found. */
const EMPTY_HOME = mkdtempSync(path.join(tmpdir(), "ecs-metadata-cli-home-"));

/** Prefixes of the variables the command reads its settings from; none of the developer's own may reach a run. */
const SETTING_PREFIXES = ["HW_", "OS_", "HUAWEICLOUD_SDK_"];

/** Returns this process's environment without HW_*, OS_* and HUAWEICLOUD_SDK_* variables and with HOME at an empty folder, plus `extra`. */
function environment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !SETTING_PREFIXES.some((prefix) => name.startsWith(prefix))));
  return { ...env, HOME: EMPTY_HOME, ...extra };
}

/** Creates a home folder whose ~/.hcloud/config.json contains `config`, and returns its path. */
function homeWithProfiles(config: unknown): string {
  const home = mkdtempSync(path.join(tmpdir(), "ecs-metadata-cli-home-"));
  mkdirSync(path.join(home, ".hcloud"));
  writeFileSync(path.join(home, ".hcloud", "config.json"), JSON.stringify(config, null, 2), { mode: 0o600 });
  return home;
}

function runProcess(file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(file, [...args], { cwd: REPOSITORY_ROOT, env, timeout: RUN_TIMEOUT_MS, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") {
        reject(new Error(`${file} ${args.join(" ")} did not finish: ${error.message}; stderr: ${stderr}`));
        return;
      }
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

function expectNoSecrets(run: Run): void {
  for (const secret of SECRETS) {
    expect(run.stdout).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
  }
}

describe("ecs-metadata command", () => {
  let simulator: RunningSimulator;
  let workDir: string;

  /** Runs the command with permanent credentials and no retries, both set in its environment. */
  function runCli(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
    const env = environment({ HW_ACCESS_KEY: PERMANENT.accessKey, HW_SECRET_KEY: PERMANENT.secretKey, HW_MAX_RETRIES: "0", ...extraEnv });
    return runProcess(process.execPath, [CLI, ...args], env);
  }

  function fixture(name: string): string {
    return path.join(FIXTURES, name);
  }

  beforeAll(async () => {
    if (!existsSync(CLI)) {
      throw new Error(`${CLI} is missing; run "npx tsc -p tsconfig.build.json" first.`);
    }
    if (statSync(CLI).mtimeMs < statSync(path.join(REPOSITORY_ROOT, "provider/cli/program.ts")).mtimeMs) {
      throw new Error(`${CLI} is older than provider/cli/program.ts; run "npx tsc -p tsconfig.build.json" again.`);
    }
    simulator = await startSimulator({ data: DATA });
    workDir = mkdtempSync(path.join(tmpdir(), "ecs-metadata-cli-"));
  });

  afterAll(async () => {
    await simulator?.close();
    if (workDir) {
      rmSync(workDir, { recursive: true, force: true });
    }
    rmSync(EMPTY_HOME, { recursive: true, force: true });
  });

  describe("get", () => {
    it("prints the value and exits 0", async () => {
      const run = await runCli(["get", WEB_ID, "role", "--endpoint", simulator.url, "--project-id", PROJECT_ID]);

      expect(run.code).toBe(0);
      expect(run.stdout).toBe("web\n");
      expect(run.stderr).toBe("");
    });

    it("prints JSON with the resolved target", async () => {
      const run = await runCli(["get", WEB_ID, "tier name", "--format", "json", "--endpoint", simulator.url, "--project-id", PROJECT_ID]);

      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({
        serverId: WEB_ID,
        key: "tier name",
        value: "front",
        projectId: PROJECT_ID,
        region: null,
        endpoint: simulator.url,
        apiVersion: "v2.1",
      });
    });

    it("exits 1 naming a missing key", async () => {
      const run = await runCli(["get", WEB_ID, "owner", "--endpoint", simulator.url, "--project-id", PROJECT_ID]);

      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain('has no metadata key "owner"');
    });

    it("takes region and project id from the environment", async () => {
      simulator.clearRequests();
      const run = await runCli(["get", DB_ID, "role", "--endpoint", simulator.url, "--api-version", "v2"], {
        HW_PROJECT_ID: PROJECT_ID,
        HW_REGION_NAME: "cn-north-4",
      });

      expect(run.code).toBe(0);
      expect(run.stdout).toBe("db\n");
      expect(simulator.requests.map((request) => request.path)).toEqual([`/v2/${PROJECT_ID}/servers/${DB_ID}/metadata/role`]);
    });

    it("signs with temporary credentials and their token", async () => {
      const run = await runCli(["get", WEB_ID, "team", "--endpoint", simulator.url, "--project-id", PROJECT_ID], {
        HW_ACCESS_KEY: TEMPORARY.accessKey,
        HW_SECRET_KEY: TEMPORARY.secretKey,
        HW_SECURITY_TOKEN: TEMPORARY.securityToken,
      });

      expect(run.code).toBe(0);
      expect(run.stdout).toBe("platform\n");
    });

    it("rejects a server name before any request", async () => {
      simulator.clearRequests();
      const run = await runCli(["get", "web-1", "role", "--endpoint", simulator.url, "--project-id", PROJECT_ID]);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain('serverId "web-1" is not a UUID');
      expect(simulator.requestCount).toBe(0);
    });

    it("names every place when credentials are missing", async () => {
      simulator.clearRequests();
      const run = await runProcess(process.execPath, [CLI, "get", WEB_ID, "role", "--endpoint", simulator.url, "--project-id", PROJECT_ID], environment());

      expect(run.code).toBe(1);
      expect(run.stderr).toContain("No Huawei Cloud credentials found.");
      expect(run.stderr).toContain("environment variables: HW_ACCESS_KEY + HW_SECRET_KEY, HW_AUTH_TOKEN, HW_USER_NAME + HW_USER_PASSWORD + HW_DOMAIN_NAME");
      expect(run.stderr).toContain("OpenStack environment variables: OS_ACCESS_KEY + OS_SECRET_KEY");
      expect(run.stderr).toContain("Huawei Cloud SDK environment variables: HUAWEICLOUD_SDK_AK + HUAWEICLOUD_SDK_SK");
      expect(run.stderr).toContain(`shared config file ${path.join(EMPTY_HOME, ".hcloud", "config.json")} (the current profile, file not found)`);
      expect(run.stderr).not.toContain("huaweicloud:");
      expect(simulator.requestCount).toBe(0);
    });

    it("names the options when the project id is missing", async () => {
      simulator.clearRequests();
      const run = await runCli(["get", WEB_ID, "role", "--endpoint", simulator.url]);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain("No project id is set. Pass --project-id, set projectId in the expectations file, or set HW_PROJECT_ID, OS_PROJECT_ID");
      expect(simulator.requestCount).toBe(0);
    });

    it("names the options when the region is missing", async () => {
      simulator.clearRequests();
      const run = await runCli(["get", WEB_ID, "role", "--project-id", PROJECT_ID]);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain("No region is set, so the ECS endpoint is unknown. Pass --region (such as cn-north-4) or --endpoint");
      expect(run.stderr).toContain("HW_REGION_NAME, OS_REGION_NAME");
      expect(simulator.requestCount).toBe(0);
    });

    it("reports a wrong secret key without echoing it", async () => {
      const run = await runCli(["get", WEB_ID, "role", "--endpoint", simulator.url, "--project-id", PROJECT_ID], { HW_SECRET_KEY: "do-not-print-me" });

      expect(run.code).toBe(1);
      expect(run.stderr).toContain("status 401");
      expectNoSecrets(run);
    });

    it("rejects an invalid --region before any request", async () => {
      simulator.clearRequests();
      const run = await runCli(["get", WEB_ID, "role", "--region", "North 4", "--project-id", PROJECT_ID]);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain('--region "North 4" is not a region name');
      expect(simulator.requestCount).toBe(0);
    });

    it("rejects an unknown option with exit 1", async () => {
      const run = await runCli(["get", WEB_ID, "role", "--secret-key", "x"]);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain("unknown option '--secret-key'");
    });

    it("rejects a --concurrency of 0", async () => {
      const run = await runCli(["list", WEB_ID, "--concurrency", "0"]);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain("Use a whole number from 1 to 64");
    });
  });

  describe("credential sources", () => {
    /** Profiles file with permanent keys in the current profile and temporary keys, a region and a project id in "ci". */
    const PROFILES = {
      current: "default",
      profiles: [
        { name: "default", mode: "AKSK", accessKeyId: PERMANENT.accessKey, secretAccessKey: PERMANENT.secretKey },
        {
          name: "ci",
          mode: "AKSK",
          accessKeyId: TEMPORARY.accessKey,
          secretAccessKey: TEMPORARY.secretKey,
          securityToken: TEMPORARY.securityToken,
          region: "cn-north-4",
          projectId: PROJECT_ID,
        },
      ],
    };
    let profileHome: string;

    beforeAll(() => {
      profileHome = homeWithProfiles(PROFILES);
    });

    afterAll(() => {
      rmSync(profileHome, { recursive: true, force: true });
    });

    /** Runs the command with no credentials in its environment but `env`, and no retries. */
    function runWithout(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
      return runProcess(process.execPath, [CLI, ...args], environment({ HW_MAX_RETRIES: "0", ...env }));
    }

    it("reads the --profile profile", async () => {
      simulator.clearRequests();
      const run = await runWithout(["get", WEB_ID, "role", "--profile", "ci", "--format", "json", "--endpoint", simulator.url], { HOME: profileHome });

      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ value: "web", projectId: PROJECT_ID, region: "cn-north-4" });
      expect(run.stderr).toBe("");
      expect(simulator.requests.map((request) => request.accessKey)).toEqual([TEMPORARY.accessKey]);
      expectNoSecrets(run);
    });

    it("reads the current profile without --profile", async () => {
      simulator.clearRequests();
      const run = await runWithout(["get", WEB_ID, "role", "--project-id", PROJECT_ID, "--endpoint", simulator.url], { HOME: profileHome });

      expect(run.code).toBe(0);
      expect(run.stdout).toBe("web\n");
      expect(simulator.requests.map((request) => request.accessKey)).toEqual([PERMANENT.accessKey]);
    });

    it("prefers --profile over HW_PROFILE", async () => {
      simulator.clearRequests();
      const run = await runWithout(["get", WEB_ID, "role", "--profile", "ci", "--endpoint", simulator.url], { HOME: profileHome, HW_PROFILE: "default" });

      expect(run.code).toBe(0);
      expect(simulator.requests.map((request) => request.accessKey)).toEqual([TEMPORARY.accessKey]);
    });

    it("reads the file HW_SHARED_CONFIG_FILE names", async () => {
      simulator.clearRequests();
      const file = path.join(profileHome, ".hcloud", "config.json");
      const run = await runWithout(["list", DB_ID, "--profile", "ci", "--endpoint", simulator.url], { HW_SHARED_CONFIG_FILE: file });

      expect(run.code).toBe(0);
      expect(run.stdout).toBe("role=db\nteam=data\n");
      expect(simulator.requests.map((request) => request.accessKey)).toEqual([TEMPORARY.accessKey]);
    });

    it("rejects a --profile missing from the file before any request", async () => {
      simulator.clearRequests();
      // Credentials in the environment come first, yet the profile the option names must still exist.
      const run = await runCli(["get", WEB_ID, "role", "--profile", "staging", "--project-id", PROJECT_ID, "--endpoint", simulator.url], { HOME: profileHome });

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`Profile "staging", chosen by --profile, is not in the shared config file ${path.join(profileHome, ".hcloud", "config.json")}`);
      expect(run.stderr).toContain('its profiles are: "default", "ci"');
      expect(simulator.requestCount).toBe(0);
      expectNoSecrets(run);
    });

    it("rejects --profile without a config file", async () => {
      const run = await runWithout(["get", WEB_ID, "role", "--profile", "ci", "--endpoint", simulator.url], {});

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`The shared config file ${path.join(EMPTY_HOME, ".hcloud", "config.json")}, chosen by the default path, does not exist.`);
      expect(run.stderr).toContain("unset --profile");
    });

    it("notes environment credentials that shadow --profile", async () => {
      simulator.clearRequests();
      const run = await runCli(["get", WEB_ID, "role", "--profile", "ci", "--endpoint", simulator.url], { HOME: profileHome });
      const quiet = await runCli(["get", WEB_ID, "role", "--profile", "ci", "--quiet", "--endpoint", simulator.url], { HOME: profileHome });

      expect(run.code).toBe(0);
      expect(run.stderr).toContain('ecs-metadata: note: --profile "ci" is set, but the credentials come from environment variables');
      expect(simulator.requests.map((request) => request.accessKey)).toEqual([PERMANENT.accessKey, PERMANENT.accessKey]);
      expect(quiet.code).toBe(0);
      expect(quiet.stderr).toBe("");
    });

    it("reads OS_* credentials and project id", async () => {
      simulator.clearRequests();
      const run = await runWithout(["get", WEB_ID, "role", "--endpoint", simulator.url], {
        OS_ACCESS_KEY: PERMANENT.accessKey,
        OS_SECRET_KEY: PERMANENT.secretKey,
        OS_PROJECT_ID: PROJECT_ID,
      });

      expect(run.code).toBe(0);
      expect(run.stdout).toBe("web\n");
      expect(simulator.requests.map((request) => request.accessKey)).toEqual([PERMANENT.accessKey]);
    });

    it("reads HUAWEICLOUD_SDK_* temporary credentials", async () => {
      simulator.clearRequests();
      const run = await runWithout(["get", WEB_ID, "team", "--endpoint", simulator.url], {
        HUAWEICLOUD_SDK_AK: TEMPORARY.accessKey,
        HUAWEICLOUD_SDK_SK: TEMPORARY.secretKey,
        HUAWEICLOUD_SDK_SECURITY_TOKEN: TEMPORARY.securityToken,
        HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID,
      });

      expect(run.code).toBe(0);
      expect(run.stdout).toBe("platform\n");
      expect(simulator.requests.map((request) => request.accessKey)).toEqual([TEMPORARY.accessKey]);
    });

    it("warns on stderr when TLS verification is off", async () => {
      const run = await runCli(["get", WEB_ID, "role", "--project-id", PROJECT_ID, "--endpoint", simulator.url], { HW_INSECURE: "true" });

      expect(run.code).toBe(0);
      expect(run.stdout).toBe("web\n");
      expect(run.stderr).toContain("ecs-metadata: warning: TLS certificate verification is off because HW_INSECURE is true");
    });

    it("rejects a secret key without its access key id", async () => {
      const run = await runWithout(["get", WEB_ID, "role", "--project-id", PROJECT_ID, "--endpoint", simulator.url], { OS_SECRET_KEY: PERMANENT.secretKey });

      expect(run.code).toBe(1);
      expect(run.stderr).toContain("OpenStack environment variables sets the secret key OS_SECRET_KEY but not the access key id OS_ACCESS_KEY");
      expectNoSecrets(run);
    });

    describe("user name and password", () => {
      let iamSimulator: RunningSimulator;

      beforeAll(async () => {
        iamSimulator = await startSimulator({ data: DATA, iam: { users: [IAM_USER] } });
      });

      afterAll(async () => {
        await iamSimulator?.close();
      });

      it("exchanges the password for a token at IAM", async () => {
        iamSimulator.clearRequests();
        const run = await runWithout(["get", WEB_ID, "role", "--project-id", PROJECT_ID, "--endpoint", iamSimulator.url], {
          HW_USER_NAME: IAM_USER.name,
          HW_USER_PASSWORD: IAM_USER.password,
          HW_DOMAIN_NAME: IAM_USER.domainName,
          HW_AUTH_URL: `${iamSimulator.url}/v3`,
        });

        expect(run.code).toBe(0);
        expect(run.stdout).toBe("web\n");
        expect(iamSimulator.requests.map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
          "POST /v3/auth/tokens 201",
          `GET /v2.1/${PROJECT_ID}/servers/${WEB_ID}/metadata/role 200`,
        ]);
        expectNoSecrets(run);
      });

      it("finds the project id of the region with OS_* settings", async () => {
        iamSimulator.clearRequests();
        const run = await runWithout(["list", DB_ID, "--region", "cn-north-4", "--format", "json", "--endpoint", iamSimulator.url], {
          OS_USERNAME: IAM_USER.name,
          OS_PASSWORD: IAM_USER.password,
          OS_DOMAIN_NAME: IAM_USER.domainName,
          OS_AUTH_URL: `${iamSimulator.url}/v3`,
        });

        expect(run.code).toBe(0);
        expect(JSON.parse(run.stdout)).toMatchObject({ metadata: { role: "db", team: "data" }, projectId: PROJECT_ID, region: "cn-north-4" });
        expect(iamSimulator.requests.map((request) => request.path)).toContain("/v3/projects");
        expectNoSecrets(run);
      });

      it("reports a wrong password before any ECS request", async () => {
        iamSimulator.clearRequests();
        const run = await runWithout(["get", WEB_ID, "role", "--project-id", PROJECT_ID, "--endpoint", iamSimulator.url], {
          HW_USER_NAME: IAM_USER.name,
          HW_USER_PASSWORD: "Cli-Wrong-Password-0001",
          HW_DOMAIN_NAME: IAM_USER.domainName,
          HW_AUTH_URL: `${iamSimulator.url}/v3`,
        });

        expect(run.code).toBe(1);
        expect(run.stderr).toContain(`IAM did not accept IAM user "${IAM_USER.name}" of domain "${IAM_USER.domainName}"`);
        expect(iamSimulator.requests.map((request) => request.path)).toEqual(["/v3/auth/tokens"]);
        expectNoSecrets(run);
      });
    });
  });

  describe("list", () => {
    it("prints sorted key=value lines", async () => {
      const run = await runCli(["list", WEB_ID, "--endpoint", simulator.url, "--project-id", PROJECT_ID]);

      expect(run.code).toBe(0);
      expect(run.stdout).toBe("db-password=s3cret-value-1\nrole=web\nteam=platform\ntier name=front\n");
    });

    it("prints JSON", async () => {
      const run = await runCli(["list", DB_ID, "--format", "json", "--endpoint", simulator.url, "--project-id", PROJECT_ID]);

      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout).metadata).toEqual({ role: "db", team: "data" });
    });

    it("exits 1 for an unknown server", async () => {
      const run = await runCli(["list", "00000000-0000-4000-8000-000000000000", "--endpoint", simulator.url, "--project-id", PROJECT_ID]);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain("Server 00000000-0000-4000-8000-000000000000 was not found");
    });
  });

  describe("export", () => {
    it("writes YAML that check accepts", async () => {
      const file = path.join(workDir, "exported.yaml");
      const exported = await runCli(["export", WEB_ID, DB_ID, "--endpoint", simulator.url, "--project-id", PROJECT_ID, "--region", "cn-north-4", "--secret", "db-password", "-o", file]);
      const checked = await runCli(["check", file, "--strict", "--endpoint", simulator.url]);

      expect(exported.code).toBe(0);
      expect(exported.stderr).toContain(`Wrote the expectations of 2 servers to ${file}.`);
      expect(checked.code).toBe(0);
      expect(checked.stdout).toContain("2 matched, 0 drifted, 0 failed");
    });

    it("writes a secret key as a digest only", async () => {
      const run = await runCli(["export", WEB_ID, "--secret", "db-password", "--endpoint", simulator.url, "--project-id", PROJECT_ID]);
      const contents = parseYaml(run.stdout) as { defaults: unknown; servers: { keys: Record<string, unknown> }[] };

      expect(run.code).toBe(0);
      expect(run.stdout).not.toContain("s3cret-value-1");
      expect(contents.defaults).toEqual({ projectId: PROJECT_ID });
      expect(contents.servers[0].keys["db-password"]).toEqual({
        sha256: createHash("sha256").update("s3cret-value-1", "utf8").digest("hex"),
        secret: true,
      });
      expect(contents.servers[0].keys.role).toBe("web");
    });

    it("writes JSON for an .json output and keeps an existing file", async () => {
      const file = path.join(workDir, "exported.json");
      const first = await runCli(["export", DB_ID, "--endpoint", simulator.url, "--project-id", PROJECT_ID, "--output", file]);
      const second = await runCli(["export", DB_ID, "--endpoint", simulator.url, "--project-id", PROJECT_ID, "--output", file]);

      expect(first.code).toBe(0);
      expect(JSON.parse(readFileSync(file, "utf8")).servers).toEqual([{ id: DB_ID, keys: { role: "db", team: "data" } }]);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain("pass --force to overwrite it");
    });

    it("fails whole when one server is missing", async () => {
      const run = await runCli(["export", WEB_ID, "00000000-0000-4000-8000-000000000000", "--endpoint", simulator.url, "--project-id", PROJECT_ID]);

      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
    });
  });

  describe("check", () => {
    it("exits 0 when every pair matches", async () => {
      const run = await runCli(["check", fixture("match.yaml"), "--endpoint", simulator.url]);

      expect(run.code).toBe(0);
      expect(run.stdout).toContain("OK     web-1 (6f0e2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b): 4 keys match");
      expect(run.stdout).toContain("OK     edge-1 (9c3d4e5f-7a8b-4c9d-be0f-3a4b5c6d7e8f): 1 key matches");
      expect(run.stdout).toContain("3 servers: 3 matched, 0 drifted, 0 failed; 0 differences.");
      expectNoSecrets(run);
    });

    it("sends one request per server", async () => {
      simulator.clearRequests();
      await runCli(["check", fixture("match.yaml"), "--endpoint", simulator.url]);

      expect(simulator.requests.map((request) => request.path).sort()).toEqual(
        [
          `/v2.1/${PROJECT_ID}/servers/${WEB_ID}/metadata`,
          `/v2.1/${PROJECT_ID}/servers/${DB_ID}/metadata`,
          `/v2.1/${DATA.projects[1].id}/servers/9c3d4e5f-7a8b-4c9d-be0f-3a4b5c6d7e8f/metadata`,
        ].sort(),
      );
    });

    it("reads a JSON file with a digest", async () => {
      const run = await runCli(["check", fixture("match.json"), "--endpoint", simulator.url]);

      expect(run.code).toBe(0);
      expect(run.stdout).toContain("1 matched");
    });

    it("exits 2 and lists drift as text", async () => {
      const run = await runCli(["check", fixture("drift.yaml"), "--endpoint", simulator.url]);

      expect(run.code).toBe(2);
      expect(run.stdout).toContain("DRIFT  web-1 (6f0e2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b): 3 differences");
      expect(run.stdout).toContain('changed     role: expected "api", found "web"');
      expect(run.stdout).toContain('missing     owner: expected "alice", the key is not set');
      expect(run.stdout).toContain("changed     db-password: the secret value differs");
      expect(run.stdout).toContain("OK     db-1");
      expectNoSecrets(run);
    });

    it("counts unexpected keys only with --strict", async () => {
      const plain = await runCli(["check", fixture("match.yaml"), "--endpoint", simulator.url]);
      const strict = await runCli(["check", fixture("match.yaml"), "--strict", "--endpoint", simulator.url]);

      expect(plain.code).toBe(0);
      expect(strict.code).toBe(2);
      expect(strict.stdout).toContain("unexpected  team: set on the server but not in the expectations file");
      expect(strict.stdout).not.toContain("data");
    });

    it("lists every difference as JSON without secret values", async () => {
      const run = await runCli(["check", fixture("drift.yaml"), "--format", "json", "--endpoint", simulator.url]);
      const report = JSON.parse(run.stdout) as { result: string; exitCode: number; summary: unknown; servers: { id: string; status: string; differences: unknown[] }[] };

      expect(run.code).toBe(2);
      expect(report.result).toBe("drift");
      expect(report.exitCode).toBe(2);
      expect(report.summary).toEqual({ servers: 2, matched: 1, drifted: 1, failed: 0, differences: 3 });
      expect(report.servers[0].differences).toEqual([
        { key: "role", kind: "changed", secret: false, expected: "api", actual: "web" },
        { key: "owner", kind: "missing", secret: false, expected: "alice" },
        { key: "db-password", kind: "changed", secret: true },
      ]);
      expect(report.servers[1]).toEqual({ id: DB_ID, name: "db-1", status: "match", keysChecked: 2, differences: [] });
      expectNoSecrets(run);
    });

    it("writes a Markdown table", async () => {
      const run = await runCli(["check", fixture("drift.yaml"), "--format", "markdown", "--endpoint", simulator.url]);

      expect(run.code).toBe(2);
      expect(run.stdout).toContain("## ECS metadata check: drift found");
      expect(run.stdout).toContain("| server | key | difference | expected | found |");
      expect(run.stdout).toContain('| web-1 `6f0e2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b` | `role` | changed | `"api"` | `"web"` |');
      expect(run.stdout).toContain("| `db-password` | changed | (secret) | (secret, differs) |");
      expect(run.stdout).toContain("<details><summary>1 server matches</summary>");
      expectNoSecrets(run);
    });

    it("exits 1 on an error even with drift", async () => {
      const run = await runCli(["check", fixture("drift-and-error.yaml"), "--endpoint", simulator.url]);

      expect(run.code).toBe(1);
      expect(run.stdout).toContain("DRIFT  6f0e2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b: 1 difference");
      expect(run.stdout).toContain("ERROR  gone-1 (00000000-0000-4000-8000-000000000000): GET");
      expect(run.stdout).toContain("1 drifted, 1 failed");
    });

    it("reports errors in Markdown", async () => {
      const run = await runCli(["check", fixture("drift-and-error.yaml"), "--format", "markdown", "--endpoint", simulator.url]);

      expect(run.code).toBe(1);
      expect(run.stdout).toContain("## ECS metadata check: errors, the check is incomplete");
      expect(run.stdout).toContain("### Errors");
      expect(run.stdout).toContain("- gone-1 `00000000-0000-4000-8000-000000000000`: GET");
    });

    it("prints nothing with --quiet", async () => {
      const run = await runCli(["check", fixture("drift.yaml"), "--quiet", "--endpoint", simulator.url]);

      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toBe("");
    });

    it("lists every problem of an invalid YAML file by line and path", async () => {
      simulator.clearRequests();
      const run = await runCli(["check", fixture("invalid.yaml"), "--endpoint", simulator.url]);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`Invalid expectations file ${fixture("invalid.yaml")}:`);
      expect(run.stderr).toContain('line 3, defaults.projectId: projectId "not-a-project" is not a project id');
      expect(run.stderr).toContain('line 5, servers[0].id: serverId "web-1" is not a UUID');
      expect(run.stderr).toContain("line 10, servers[1].keys.port: is a number, not a string");
      expect(run.stderr).toContain("line 11, servers[1].keys.db-password.secret: must be true or false.");
      expect(run.stderr).toContain('line 12, servers[1].keys["a/b"]: key "a/b" is invalid');
      expect(run.stderr).toContain('line 14, servers[2]: has the unknown field "kyes"');
      expect(run.stderr).toContain("line 13, servers[2].keys: is missing");
      expect(simulator.requestCount).toBe(0);
      expectNoSecrets(run);
    });

    it("names the path of a bad entry in a JSON file", async () => {
      const run = await runCli(["check", fixture("invalid.json"), "--endpoint", simulator.url]);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain("line 5, servers[0].keys.role: is a list, not a string");
    });

    it("rejects a .json file that is not JSON without quoting it", async () => {
      const run = await runCli(["check", fixture("not-json.json"), "--endpoint", simulator.url]);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain("is not valid JSON");
      expectNoSecrets(run);
    });

    it("exits 1 for a missing file", async () => {
      const run = await runCli(["check", path.join(workDir, "absent.yaml"), "--endpoint", simulator.url]);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain("cannot be read (ENOENT)");
    });
  });

  describe("metadata from an untrusted server", () => {
    const SECRET_ID = "8b2c3d4e-6f7a-4b8c-9d0e-2f3a4b5c6d7e";
    const PROTO_ID = "8b2c3d4e-6f7a-4b8c-9d0e-2f3a4b5c6d7f";
    const CONTROL_ID = "8b2c3d4e-6f7a-4b8c-9d0e-2f3a4b5c6d80";
    const SECRET_VALUE = "top-secret-value-9";
    const FORGED_KEY = "evil\nOK     forged-1 (8b2c3d4e-6f7a-4b8c-9d0e-2f3a4b5c6d80)";
    const ESCAPE_VALUE = "\u001b[31mred\u009b2J";
    let untrusted: RunningSimulator;

    beforeAll(async () => {
      // JSON.parse makes "__proto__" an own key; an object literal would set the prototype instead.
      const protoMetadata = JSON.parse('{"__proto__": "proto-value", "role": "cache"}') as Record<string, string>;
      const data: SimulatorData = {
        ...DATA,
        projects: [
          {
            ...DATA.projects[0],
            servers: [
              { id: SECRET_ID, name: "vault-1", status: "ACTIVE", metadata: { SECRETVAL: SECRET_VALUE, role: "vault" } },
              { id: PROTO_ID, name: "cache-1", status: "ACTIVE", metadata: protoMetadata },
              { id: CONTROL_ID, name: "odd-1", status: "ACTIVE", metadata: { [FORGED_KEY]: "x", banner: ESCAPE_VALUE } },
            ],
          },
        ],
      };
      untrusted = await startSimulator({ data });
    });

    afterAll(async () => {
      await untrusted?.close();
    });

    function target(): string[] {
      return ["--endpoint", untrusted.url, "--project-id", PROJECT_ID];
    }

    /** Asserts that no line of `text` starts with "OK", and that it carries no ESC or CSI character. */
    function expectNoForgedLines(text: string): void {
      expect(text.split("\n").filter((line) => line.startsWith("OK"))).toEqual([]);
      expect(text).not.toContain("\u001b");
      expect(text).not.toContain("\u009b");
    }

    it("rejects a --secret that matches no key", async () => {
      const file = path.join(workDir, "secret-typo.yaml");
      const run = await runCli(["export", SECRET_ID, "--secret", "secretval", "-o", file, ...target()]);

      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain('--secret names no key of the exported server: "secretval" (did you mean "SECRETVAL"?)');
      expect(run.stderr).toContain("Nothing was written.");
      expect(run.stderr).not.toContain(SECRET_VALUE);
      expect(existsSync(file)).toBe(false);
    });

    it("rejects an unmatched --secret on stdout", async () => {
      const run = await runCli(["export", SECRET_ID, PROTO_ID, "--secret", "SECRETVAL", "--secret", "owner", ...target()]);

      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain('--secret names no key of any exported server: "owner".');
      expect(run.stderr).not.toContain("did you mean");
      expect(run.stderr).not.toContain(SECRET_VALUE);
    });

    it("exports a __proto__ key that check --strict accepts", async () => {
      const file = path.join(workDir, "proto.yaml");
      const exported = await runCli(["export", PROTO_ID, "-o", file, ...target()]);
      const checked = await runCli(["check", file, "--strict", "--endpoint", untrusted.url]);

      expect(exported.code).toBe(0);
      expect(readFileSync(file, "utf8")).toContain("__proto__: proto-value");
      expect(checked.stdout).toContain("OK     ");
      expect(checked.stdout).toContain("2 keys match");
      expect(checked.code).toBe(0);
    });

    it("exports a __proto__ key named by --secret as a digest", async () => {
      const run = await runCli(["export", PROTO_ID, "--secret", "__proto__", "--format", "json", ...target()]);
      const keys = (JSON.parse(run.stdout) as { servers: { keys: Record<string, unknown> }[] }).servers[0].keys;

      expect(run.code).toBe(0);
      expect(Object.keys(keys)).toEqual(["__proto__", "role"]);
      expect(Object.getOwnPropertyDescriptor(keys, "__proto__")?.value).toEqual({
        sha256: createHash("sha256").update("proto-value", "utf8").digest("hex"),
        secret: true,
      });
      expect(run.stdout).not.toContain('"proto-value"');
    });

    it("escapes a forged line and escape sequences in a text report", async () => {
      const file = path.join(workDir, "control.json");
      writeFileSync(file, JSON.stringify({ servers: [{ id: CONTROL_ID, name: "odd\u001b[2J-1", projectId: PROJECT_ID, keys: { banner: "plain" } }] }));
      const run = await runCli(["check", file, "--strict", "--endpoint", untrusted.url]);

      expect(run.code).toBe(2);
      expectNoForgedLines(run.stdout);
      expect(run.stdout).toContain("DRIFT  odd\\u001b[2J-1 (8b2c3d4e-6f7a-4b8c-9d0e-2f3a4b5c6d80): 2 differences");
      expect(run.stdout).toContain("unexpected  evil\\nOK     forged-1");
      expect(run.stdout).toContain('found "\\u001b[31mred\\u009b2J"');
    });

    it("escapes a forged line and escape sequences in Markdown", async () => {
      const file = path.join(workDir, "control-markdown.json");
      writeFileSync(file, JSON.stringify({ servers: [{ id: CONTROL_ID, name: "odd\n- OK", projectId: PROJECT_ID, keys: { banner: "plain" } }] }));
      const run = await runCli(["check", file, "--strict", "--format", "markdown", "--endpoint", untrusted.url]);

      expect(run.code).toBe(2);
      expectNoForgedLines(run.stdout);
      expect(run.stdout.split("\n").filter((line) => line.startsWith("- OK"))).toEqual([]);
      expect(run.stdout).toContain("| `evil\\nOK     forged-1 (8b2c3d4e-6f7a-4b8c-9d0e-2f3a4b5c6d80)` | unexpected |");
      expect(run.stdout).toContain("| odd\\\\n- OK `8b2c3d4e-6f7a-4b8c-9d0e-2f3a4b5c6d80` |");
      expect(run.stdout).toContain("`\"\\u001b[31mred\\u009b2J\"`");
    });

    it("keeps the raw text in a JSON report", async () => {
      const file = path.join(workDir, "control-json.json");
      writeFileSync(file, JSON.stringify({ servers: [{ id: CONTROL_ID, projectId: PROJECT_ID, keys: { banner: "plain" } }] }));
      const run = await runCli(["check", file, "--strict", "--format", "json", "--endpoint", untrusted.url]);
      const report = JSON.parse(run.stdout) as { servers: { differences: { key: string; actual?: string }[] }[] };

      expect(run.code).toBe(2);
      expect(report.servers[0].differences.map((difference) => difference.key)).toEqual(["banner", FORGED_KEY]);
      expect(report.servers[0].differences[0].actual).toBe(ESCAPE_VALUE);
    });

    it("quotes control characters in list", async () => {
      const run = await runCli(["list", CONTROL_ID, ...target()]);

      expect(run.code).toBe(0);
      expectNoForgedLines(run.stdout);
      expect(run.stdout).toBe('banner="\\u001b[31mred\\u009b2J"\n"evil\\nOK     forged-1 (8b2c3d4e-6f7a-4b8c-9d0e-2f3a4b5c6d80)"=x\n');
    });

    it("quotes control characters in get", async () => {
      const text = await runCli(["get", CONTROL_ID, "banner", ...target()]);
      const json = await runCli(["get", CONTROL_ID, "banner", "--format", "json", ...target()]);

      expect(text.code).toBe(0);
      expect(text.stdout).toBe('"\\u001b[31mred\\u009b2J"\n');
      expect(JSON.parse(json.stdout).value).toBe(ESCAPE_VALUE);
    });

    it("names the command's settings in a throttling error", async () => {
      untrusted.addFaults([{ name: "throttle", match: { method: "GET", serverId: SECRET_ID }, steps: [{ action: "respond", status: 429, times: 2 }] }]);
      const file = path.join(workDir, "throttled.yaml");
      writeFileSync(file, `servers:\n  - { id: ${SECRET_ID}, projectId: ${PROJECT_ID}, keys: { role: vault } }\n`);
      const get = await runCli(["get", SECRET_ID, "role", ...target()]);
      const check = await runCli(["check", file, "--endpoint", untrusted.url]);

      expect(get.code).toBe(1);
      expect(get.stderr).toContain("raise HW_MAX_RETRIES or --timeout (or HW_LOOKUP_TIMEOUT)");
      expect(get.stderr).not.toContain("huaweicloud:");
      expect(check.code).toBe(1);
      expect(check.stdout).toContain("raise HW_MAX_RETRIES or --timeout (or HW_LOOKUP_TIMEOUT)");
      expect(check.stdout).not.toContain("huaweicloud:");
    });
  });

  describe("export --output", () => {
    it("rejects a missing folder before any request", async () => {
      simulator.clearRequests();
      const file = path.join(workDir, "missing", "file.yaml");
      const run = await runCli(["export", WEB_ID, "-o", file, "--endpoint", simulator.url, "--project-id", PROJECT_ID]);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`--output ${file}: the folder ${path.join(workDir, "missing")} does not exist`);
      expect(run.stderr).not.toContain("unexpected error");
      expect(simulator.requestCount).toBe(0);
    });

    it("rejects a folder even with --force", async () => {
      simulator.clearRequests();
      const run = await runCli(["export", WEB_ID, "-o", workDir, "--force", "--endpoint", simulator.url, "--project-id", PROJECT_ID]);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`--output ${workDir} is a folder`);
      expect(run.stderr).not.toContain("unexpected error");
      expect(simulator.requestCount).toBe(0);
    });

    // Root may write to any folder, so this case runs only for other users.
    (process.getuid?.() === 0 ? it.skip : it)("rejects a folder it cannot write to before any request", async () => {
      const readOnly = path.join(workDir, "read-only");
      mkdirSync(readOnly, { mode: 0o555 });
      simulator.clearRequests();
      const run = await runCli(["export", WEB_ID, "-o", path.join(readOnly, "file.yaml"), "--endpoint", simulator.url, "--project-id", PROJECT_ID]);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`${readOnly} is not writable`);
      expect(simulator.requestCount).toBe(0);
    });
  });

  describe("HW_LOOKUP_TIMEOUT", () => {
    it("is ignored when --timeout is set", async () => {
      const run = await runCli(["get", WEB_ID, "role", "--timeout", "2.5", "--endpoint", simulator.url, "--project-id", PROJECT_ID], { HW_LOOKUP_TIMEOUT: "soon" });

      expect(run.code).toBe(0);
      expect(run.stdout).toBe("web\n");
    });

    it("fails when invalid and --timeout is not set", async () => {
      const run = await runCli(["get", WEB_ID, "role", "--endpoint", simulator.url, "--project-id", PROJECT_ID], { HW_LOOKUP_TIMEOUT: "soon" });

      expect(run.code).toBe(1);
      expect(run.stderr).toContain('HW_LOOKUP_TIMEOUT "soon" is invalid');
    });
  });

  describe("limits and progress", () => {
    it("fails a server whose lookup exceeds --timeout", async () => {
      const slow = await startSimulator({ data: DATA, latencyMs: 3000 });
      try {
        const run = await runCli(["check", fixture("match.json"), "--timeout", "0.3", "--endpoint", slow.url]);

        expect(run.code).toBe(1);
        expect(run.stdout).toMatch(/ERROR .* timed out/);
      } finally {
        await slow.close();
      }
    });

    it("shows a progress bar only on a terminal", async () => {
      const serverIds = Array.from({ length: 25 }, (_, index) => `aaaaaaaa-0000-4000-8000-${String(index).padStart(12, "0")}`);
      const data: SimulatorData = {
        ...DATA,
        projects: [{ ...DATA.projects[0], servers: serverIds.map((id) => ({ id, name: "", status: "ACTIVE", metadata: { role: "batch" } })) }],
      };
      const large = await startSimulator({ data });
      const file = path.join(workDir, "large.yaml");
      writeFileSync(file, `defaults: { projectId: ${PROJECT_ID} }\nservers:\n${serverIds.map((id) => `  - { id: ${id}, keys: { role: batch } }\n`).join("")}`);
      const reportFile = path.join(workDir, "large-report.txt");
      try {
        const piped = await runCli(["check", file, "--endpoint", large.url]);
        // script(1) gives the command a terminal; stdout goes to a file, so only stderr reaches the terminal.
        const command = [process.execPath, CLI, "check", file, "--endpoint", large.url].map((part) => `'${part}'`).join(" ") + ` > '${reportFile}'`;
        const onTerminal = await runProcess("script", ["-qec", command, "/dev/null"], environment({ HW_ACCESS_KEY: PERMANENT.accessKey, HW_SECRET_KEY: PERMANENT.secretKey }));

        expect(piped.code).toBe(0);
        expect(piped.stderr).toBe("");
        expect(onTerminal.stdout).toContain("Checking servers [");
        expect(readFileSync(reportFile, "utf8")).toContain("25 servers: 25 matched");
        expect(readFileSync(reportFile, "utf8")).not.toContain("Checking servers");
      } finally {
        await large.close();
      }
    });
  });

  describe("bin entry", () => {
    it("prints the help through npx", async () => {
      const run = await runProcess("npx", ["--offline", "ecs-metadata", "--help"], environment());

      expect(run.code).toBe(0);
      expect(run.stdout).toContain("Usage: ecs-metadata [options] [command]");
      expect(run.stdout).toContain("check [options] <expectations-file>");
    });

    it("prints the version through npx", async () => {
      const run = await runProcess("npx", ["--offline", "ecs-metadata", "--version"], environment());

      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`${PACKAGE_VERSION}\n`);
    });
  });
});
