import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { getServerMetadataKeyOutput, ServerMetadataKey } from "pulumi-ecs-metadata";

// Credentials, region and project id come from `huaweicloud:*` stack config or HW_* variables.
const config = new pulumi.Config();
const serverId = config.require("serverId");

// Resources: read during `pulumi up`, stored in state, and refreshed by `pulumi refresh`.
const role = new ServerMetadataKey("web-role", { serverId, key: "role" });
const team = new ServerMetadataKey("web-team", { serverId, key: "owner:team" });

// Function: read in the program's own process on every run, without a resource in state.
const releaseDate = getServerMetadataKeyOutput({ serverId, key: "release date" });

// A resource that depends on the looked-up values. They reach the script as environment
// variables rather than as text spliced into it, so no value can change the command.
const announce = new command.local.Command("announce", {
  create: 'echo "server $SERVER_ID runs the $ROLE role for team $TEAM, released $RELEASE_DATE"',
  environment: {
    SERVER_ID: serverId,
    ROLE: role.value,
    TEAM: team.value,
    RELEASE_DATE: releaseDate.value,
  },
});

export const serverRole = role.value;
export const serverTeam = team.value;
export const serverReleaseDate = releaseDate.value;
export const announcement = announce.stdout;
