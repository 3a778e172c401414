// Pulumi mocks for the Besu tests: NodeKey runs its real provider's create; public IPs get unique addresses.
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

/** Resolves an Output's value (mocks only: values are always known). */
export function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise<T>((resolve) => {
        o.apply((v) => {
            resolve(v);
            return v;
        });
    });
}
