// Stands in for Pulumi's dynamic-provider process (its path contains "dynamic-provider", as the real one's does):
// makes one RPC client the way a provider does, prints READY, then keeps busy as a provider retrying would.
import { chainProvider } from "../../contracts/providers/rpc";

chainProvider({ name: "gone", rpcUrl: "http://127.0.0.1:9", chainId: 1 });
process.stdout.write("READY\n");
setInterval(() => undefined, 1000);
