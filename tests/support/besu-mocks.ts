// Pulumi mocks for the Besu tests: VaultNodeKey runs its real provider's create over in-memory vaults; public IPs get
// unique addresses; a vault reports its URL.
import * as pulumi from "@pulumi/pulumi";
import { createBesuDynamic } from "../../devkit/mock-program";

/** One resource registration seen by the mocks. */
export interface MockedResource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    state: Record<string, unknown>;
}

/** Installs the mocks and returns the live list of registrations. */
export function installBesuMocks(): MockedResource[] {
    const seen: MockedResource[] = [];
    let ipCounter = 0;
    pulumi.runtime.setMocks(
        {
            async newResource(args: pulumi.runtime.MockResourceArgs): Promise<pulumi.runtime.MockResourceResult> {
                const inputs = args.inputs as Record<string, unknown>;
                let id = `${args.name}-id`;
                let state: Record<string, unknown> = { ...inputs };
                switch (args.type) {
                    case "pulumi-nodejs:dynamic:Resource": {
                        // What the engine does: hand the inputs to the provider's create and store its outputs.
                        const created = await createBesuDynamic(inputs);
                        if (created === undefined) throw new Error(`no provider for dynamic resource ${args.name}`);
                        id = created.id;
                        state = created.state;
                        break;
                    }
                    case "azure-native:resources:ResourceGroup":
                        state = { ...inputs, name: inputs["resourceGroupName"] };
                        break;
                    case "azure-native:keyvault:Vault": {
                        const name = inputs["vaultName"] as string;
                        state = { ...inputs, name, properties: { ...(inputs["properties"] as object), vaultUri: `https://${name}.vault.azure.net/` } };
                        break;
                    }
                    case "azure-native:network:PublicIPAddress": {
                        ipCounter += 1;
                        // 20.0.0.0/8 is Azure public space; the counter keeps every address unique.
                        const ip = `20.${Math.floor(ipCounter / 65536) % 256}.${Math.floor(ipCounter / 256) % 256}.${ipCounter % 256}`;
                        state = { ...inputs, name: inputs["publicIpAddressName"], ipAddress: ip };
                        break;
                    }
                    default:
                        break;
                }
                seen.push({ type: args.type, name: args.name, inputs, state });
                return { id, state };
            },
            call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
                return args.inputs as Record<string, unknown>;
            },
        },
        "chain138",
        "test",
        false,
    );
    return seen;
}

/** What a BesuNetwork needs for its key vaults in tests (tenant and subscription as the program's mocks answer). */
export const TEST_KEY_CUSTODY = {
    environment: "test",
    subscriptionId: "00000000-0000-0000-0000-000000000000",
    tenantId: "11111111-2222-3333-4444-555555555555",
    writerObjectId: "99999999-8888-7777-6666-555555555555",
    writerCidrs: ["203.0.113.7/32"],
};

/** Resolves an Output's value (mocks only: values are always known). */
export function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise<T>((resolve) => {
        o.apply((v) => {
            resolve(v);
            return v;
        });
    });
}
