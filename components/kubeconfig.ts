import { parse, stringify } from "yaml";

/** How kubelogin obtains Entra ID tokens for the Kubernetes provider. */
export type KubeloginMode = "azurecli" | "workloadidentity" | "spn" | "msi";

interface ExecConfig {
    command?: string;
    args?: string[];
}
interface KubeconfigDocument {
    users?: { name?: string; user?: { exec?: ExecConfig } }[];
}

/**
 * AKS returns Entra ID cluster credentials whose kubelogin exec plugin logs in with a device
 * code, which nothing unattended can answer. Rewrite every kubelogin user to `mode`, as
 * `kubelogin convert-kubeconfig -l <mode>` would, dropping the AKS CLI's own `--client-id`:
 * the non-interactive modes take the identity from the environment (az login, workload
 * identity, AAD_SERVICE_PRINCIPAL_* or the VM's managed identity).
 */
export function kubeconfigForLogin(kubeconfigYaml: string, mode: KubeloginMode, cluster: string): string {
    const document = parse(kubeconfigYaml) as KubeconfigDocument | null;
    const users = document?.users ?? [];
    const execUsers = users.filter((entry) => entry.user?.exec?.command?.endsWith("kubelogin"));
    if (execUsers.length === 0) {
        throw new Error(`cluster ${cluster}: credentials carry no kubelogin exec user; is Entra ID integration enabled?`);
    }
    for (const entry of execUsers) {
        const exec = entry.user!.exec!;
        exec.args = [...withoutFlag(withoutFlag(exec.args ?? [], "--login"), "--client-id"), "--login", mode];
    }
    return stringify(document);
}

function withoutFlag(args: string[], flag: string): string[] {
    const result: string[] = [];
    for (let i = 0; i < args.length; i++) {
        if (args[i] === flag) {
            i++; // skip its value
        } else if (!args[i].startsWith(`${flag}=`)) {
            result.push(args[i]);
        }
    }
    return result;
}
