// The stack's private CA and the server certificates it signs: per region, the public JSON-RPC endpoint's static IP,
// and the admin region's metrics receiver on its private IP (the regional agents' remote-write hop). Clients pin the CA
// (the `rpc.caCertificate` stack output; the program's own providers do, contracts/providers/rpc.ts; the agents'
// remote_write tls_config), so the endpoints work before anyone owns a DNS name for them.
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";

/** One region's endpoint to certify. */
export interface RpcEndpointSubject {
    region: string;
    /** The endpoint's static public IPv4 address: the certificate's only subject (an IP SAN). */
    publicIp: pulumi.Input<string>;
}

/** Args of {@link RpcCertificates}. */
export interface RpcCertificatesArgs {
    /** Stack name, in the CA's common name. Required. */
    environment: string;
    /**
     * The renewal period the server certificates belong to ({@link renewalPeriod}); a new period re-issues them. Required.
     */
    renewalPeriod: string;
    /** The endpoints. Required (may be empty). */
    endpoints: RpcEndpointSubject[];
    /** The metrics receiver's private IPv4 address (components/monitoring/remote-write-receiver.ts). Default: none. */
    metricsReceiverIp?: pulumi.Input<string>;
}

/** A region's server certificate: PEM chain and key (the key a secret). */
export interface RpcServerCertificate {
    certificatePem: pulumi.Output<string>;
    privateKeyPem: pulumi.Output<string>;
    /** sha256 of the certificate (rolls the gateway when it is renewed). */
    checksum: pulumi.Output<string>;
}

/**
 * Validity. The CA lives ten years; server certificates two, and are re-issued by the first `pulumi up` of every
 * half-year ({@link renewalPeriod} is in their subject). Not the tls provider's `earlyRenewalHours`: a plain
 * `pulumi up` does not act on it (pulumi/pulumi-tls #39, expired certificates after repeated updates).
 */
const CA_VALIDITY_HOURS = 10 * 365 * 24;
const SERVER_VALIDITY_HOURS = 2 * 365 * 24;

/** The half-year a date falls in, e.g. `2026-H2`: the server certificates' renewal period. */
export function renewalPeriod(date: Date): string {
    return `${date.getUTCFullYear()}-H${date.getUTCMonth() < 6 ? 1 : 2}`;
}

/**
 * The stack's RPC CA and one server certificate per endpoint (`chain138:index:RpcCertificates`). Keys are ECDSA P-256
 * (what every TLS 1.2/1.3 client supports). A server certificate's IP SAN is what Node, browsers and curl check
 * against an IP host (RFC 6125 §6.2.1; Node tls.checkServerIdentity: "if the host is an IP address, only IP SANs").
 */
export class RpcCertificates extends pulumi.ComponentResource {
    /** The CA certificate (PEM, public): what clients of the endpoints trust. */
    public readonly caCertificate: pulumi.Output<string>;
    /** Per region. */
    public readonly servers: ReadonlyMap<string, RpcServerCertificate>;
    /** The metrics receiver's certificate, when `metricsReceiverIp` was given. */
    public readonly metricsReceiver?: RpcServerCertificate;

    constructor(name: string, args: RpcCertificatesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("chain138:index:RpcCertificates", name, {}, opts);
        const parent = { parent: this };
        const caKey = new tls.PrivateKey(`${name}-ca-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, parent);
        const ca = new tls.SelfSignedCert(
            `${name}-ca`,
            {
                privateKeyPem: caKey.privateKeyPem,
                isCaCertificate: true,
                subject: { commonName: `Chain 138 RPC CA (${args.environment})`, organization: "Chain 138" },
                validityPeriodHours: CA_VALIDITY_HOURS,
                allowedUses: ["cert_signing", "crl_signing"],
            },
            parent,
        );
        // One key, request and CA-signed certificate per IP; `unit` (with the renewal period) is the subject's OU.
        const issue = (id: string, ip: pulumi.Input<string>, unit: string): RpcServerCertificate => {
            const key = new tls.PrivateKey(`${name}-${id}-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, parent);
            const request = new tls.CertRequest(
                `${name}-${id}-csr`,
                {
                    privateKeyPem: key.privateKeyPem,
                    ipAddresses: [ip],
                    // A new renewal period changes the request, which replaces the certificate signed from it.
                    subject: { commonName: pulumi.interpolate`${ip}`, organization: "Chain 138", organizationalUnit: `${unit} ${args.renewalPeriod}` },
                },
                parent,
            );
            const cert = new tls.LocallySignedCert(
                `${name}-${id}-cert`,
                {
                    certRequestPem: request.certRequestPem,
                    caPrivateKeyPem: caKey.privateKeyPem,
                    caCertPem: ca.certPem,
                    validityPeriodHours: SERVER_VALIDITY_HOURS,
                    allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
                },
                parent,
            );
            return {
                certificatePem: cert.certPem,
                privateKeyPem: pulumi.secret(key.privateKeyPem),
                checksum: cert.certPem.apply((pem) => createHash("sha256").update(pem).digest("hex")),
            };
        };
        const servers = new Map<string, RpcServerCertificate>();
        for (const endpoint of args.endpoints) servers.set(endpoint.region, issue(endpoint.region, endpoint.publicIp, "rpc"));
        if (args.metricsReceiverIp !== undefined) this.metricsReceiver = issue("metrics-receiver", args.metricsReceiverIp, "metrics");
        this.caCertificate = ca.certPem;
        this.servers = servers;
        this.registerOutputs({ caCertificate: this.caCertificate });
    }
}
