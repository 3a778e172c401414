import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { DEFAULT_PROJECT_DIR, stackConfigKeyEncrypted } from "../../policy/policies/stack-config-key-encrypted";
import { REPO_ROOT, TEST_DEPLOYER_KEY } from "../../devkit/mock-program";
import { validateStack } from "../support/policy-harness";

let dir: string;
before(() => {
    dir = mkdtempSync(join(tmpdir(), "policy-stack-config-"));
    writeFileSync(join(dir, "Pulumi.yaml"), "name: chain138\nruntime: nodejs\n");
    writeFileSync(join(dir, "Pulumi.prod.yaml"), "config:\n  chain138:deployerKey:\n    secure: v1:abc\n  chain138:chainId: 138\n");
});
after(() => rmSync(dir, { recursive: true, force: true }));

test("the pack finds this repository's stack files by default, and they hold no plaintext key", async () => {
    assert.equal(DEFAULT_PROJECT_DIR, REPO_ROOT);
    assert.deepEqual(await validateStack(stackConfigKeyEncrypted, []), []);
});

test("an encrypted deployer key passes; a plaintext one is a violation naming file and key", async () => {
    assert.deepEqual(await validateStack(stackConfigKeyEncrypted, [], { projectDir: dir }), []);
    writeFileSync(join(dir, "Pulumi.dev.yaml"), `config:\n  chain138:deployerKey: "${TEST_DEPLOYER_KEY}"\n`);
    const violations = await validateStack(stackConfigKeyEncrypted, [], { projectDir: dir });
    assert.deepEqual(
        violations.map((v) => v.message),
        ["Pulumi.dev.yaml: chain138:deployerKey is stored in plain text; set it with `pulumi config set --secret`"],
    );
});
