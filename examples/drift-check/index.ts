import * as pulumi from "@pulumi/pulumi";
import { ServerMetadataKey } from "pulumi-ecs-metadata";

// Credentials, region and project id come from `huaweicloud:*` stack config or HW_* variables.
const config = new pulumi.Config();
const serverId = config.require("serverId");

// Each key is a resource, so `pulumi preview --refresh --expect-no-changes` reads it again and
// reports a changed value as an update of `value`, and a deleted key as a create.
const role = new ServerMetadataKey("role", { serverId, key: "role" });
const team = new ServerMetadataKey("team", { serverId, key: "owner:team" });

// A key that may be absent: its absence is recorded as `found: false`, and a later change either
// way shows as drift too.
const maintenance = new ServerMetadataKey("maintenance-window", {
  serverId,
  key: "maintenance window",
  ifMissing: "default",
  defaultValue: "none",
});

export const serverRole = role.value;
export const serverTeam = team.value;
export const maintenanceWindow = maintenance.value;
export const maintenanceWindowSet = maintenance.found;
