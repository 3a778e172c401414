// How verify talks to a region's Kubernetes API: an interface (tests may substitute their own) and the real
// implementation, the ops tools' shared client (ops/shared/kube-client.ts, @kubernetes/client-node's kubeconfig
// handling with kubelogin run as a bounded exec plugin). No kubectl and no local proxy port: the kubeconfig's
// CA, token and exec plugin are used in-process, and the token never leaves it.
import { KubeClient, type KubeClientOptions, type KubeCredentials } from "../shared/kube-client";

/** Raw access to one cluster's API server. */
export interface KubernetesProbe {
    /** GETs an API path, query included (e.g. `/readyz`, `/api/v1/namespaces/besu/pods?labelSelector=…`), and returns the body. */
    get(apiPath: string, timeoutMs: number): Promise<string>;
    /** POSTs a JSON body to an API path (a service or pod proxy) and returns the body. */
    post(apiPath: string, body: string, timeoutMs: number): Promise<string>;
    /** Releases what the probe holds. */
    close(): Promise<void>;
}

/** Bounds of verify's API calls other than the per-call timeout (which each check passes). */
export const VERIFY_KUBE_OPTIONS: Omit<KubeClientOptions, "timeoutMs"> = { retries: 1, retryDelayMs: 250, execTimeoutMs: 120_000 };

/**
 * A probe of `region` through its kubeconfig. Throws (naming the kubeconfig, never quoting it) when the kubeconfig
 * cannot be used; `credentials` is shared by the regions of one run, so one kubelogin run serves them all.
 */
export function openKubeProbe(region: string, kubeconfigYaml: string, timeoutMs: number, credentials: KubeCredentials): KubernetesProbe {
    const client = new KubeClient(kubeconfigYaml, `kubeconfig of ${region}`, { ...VERIFY_KUBE_OPTIONS, timeoutMs }, credentials, region);
    return {
        get: (apiPath, callTimeoutMs) => client.getText(apiPath, { timeoutMs: callTimeoutMs }),
        post: (apiPath, body, callTimeoutMs) => client.postJsonRpc(apiPath, body, { timeoutMs: callTimeoutMs }),
        close: async () => client.close(),
    };
}
