// The CrossGuard pack: `pulumi preview --policy-pack policy` (see README.md in this directory).
// Constructing the PolicyPack starts the analyzer's gRPC server, so nothing else imports this file.
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, POLICIES } from "./policies";

new PolicyPack(PACK_NAME, { policies: POLICIES });
