// Remote-write credentials: one basic-auth user per region, its password derived from the stack's one secret
// (config monitoring.remoteWriteSecret) so a region's cluster holds only its own password, and the admin receiver
// stores only salted hashes.
import { createHash, createHmac } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

/** The remote-write password of `region`: HMAC-SHA256(secret, region), hex; a secret Output. */
export function regionRemoteWritePassword(secret: pulumi.Input<string>, region: string): pulumi.Output<string> {
    return pulumi.secret(pulumi.output(secret).apply((s) => derivePassword(s, region)));
}

/** The derivation itself (pure; tests use it). */
export function derivePassword(secret: string, region: string): string {
    if (secret.length < 32) throw new Error("monitoring.remoteWriteSecret must be at least 32 characters");
    return createHmac("sha256", secret).update(`chain138/remote-write/${region}`).digest("hex");
}

/**
 * One htpasswd line `user:{SSHA}base64(sha1(password ‖ salt) ‖ salt)`: RFC 2307's salted SHA-1 scheme, which nginx's
 * auth_basic_user_file accepts (nginx docs, ngx_http_auth_basic_module: "{scheme}data" with PLAIN, SHA and SSHA).
 * The salt is derived, not random, so the Secret does not change on every `pulumi up`.
 */
export function sshaHtpasswdLine(user: string, password: string): string {
    if (!/^[a-z0-9-]+$/.test(user)) throw new Error(`htpasswd user must be lowercase letters, digits and dashes; got "${user}"`);
    const salt = createHash("sha256").update(`salt/${user}/${password}`).digest().subarray(0, 8);
    const digest = createHash("sha1").update(password).update(salt).digest();
    return `${user}:{SSHA}${Buffer.concat([digest, salt]).toString("base64")}`;
}
