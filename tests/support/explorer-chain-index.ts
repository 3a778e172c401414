// What an explorer's indexer knows: which transaction created each contract and with which init
// code — plain creations and calls to the CREATE2 proxy — read block by block from the chain.
import { JsonRpcProvider, getAddress, getCreate2Address, keccak256 } from "ethers";
import { CREATE2_PROXY } from "../../ops/explorer";

export interface Creation {
    address: string;
    creator: string;
    txHash: string;
    /** The init code the contract was created from ("0x…"). */
    initCode: string;
}

/** Indexes contract creations on one chain, catching up with its head on every lookup. */
export class CreationIndex {
    private scanned = -1;
    private readonly byAddress = new Map<string, Creation>();
    private catchingUp: Promise<void> = Promise.resolve();

    constructor(private readonly provider: JsonRpcProvider) {}

    /** The creation of `address`, or undefined if no indexed transaction created it. */
    async lookup(address: string): Promise<Creation | undefined> {
        // One scan at a time; every caller waits for the scan that covers the current head.
        this.catchingUp = this.catchingUp.catch(() => undefined).then(() => this.catchUp());
        await this.catchingUp;
        return this.byAddress.get(getAddress(address));
    }

    private async catchUp(): Promise<void> {
        const head = await this.provider.getBlockNumber();
        for (let n = this.scanned + 1; n <= head; n++) {
            const block = await this.provider.getBlock(n, true);
            if (block === null) throw new Error(`block ${n} missing`);
            for (const tx of block.prefetchedTransactions) {
                const receipt = await this.provider.getTransactionReceipt(tx.hash);
                if (receipt === null || receipt.status !== 1) continue;
                if (tx.to === null && receipt.contractAddress !== null) {
                    this.add({ address: receipt.contractAddress, creator: tx.from, txHash: tx.hash, initCode: tx.data.toLowerCase() });
                } else if (tx.to !== null && getAddress(tx.to) === getAddress(CREATE2_PROXY) && tx.data.length >= 66) {
                    const initCode = `0x${tx.data.slice(66).toLowerCase()}`;
                    const address = getCreate2Address(CREATE2_PROXY, tx.data.slice(0, 66), keccak256(initCode));
                    this.add({ address, creator: tx.from, txHash: tx.hash, initCode });
                }
            }
            this.scanned = n;
        }
    }

    private add(creation: Creation): void {
        this.byAddress.set(getAddress(creation.address), creation);
    }
}
