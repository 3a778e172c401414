// The fee rule every sender of this project follows (contract providers, relayer): fees that a node with a minimum
// gas price accepts and mines whatever the base fee has decayed to.
//
// Why: on an idle London chain the base fee falls to Besu's floor of 7 wei (LondonFeeMarket), and
// eth_maxPriorityFeePerGas answers the node's min-priority-fee (0 by default), so the usual "2 × base fee + tip"
// offers ~14 wei. Besu refuses a transaction below its `min-gas-price` / `tx-pool-min-gas-price`
// (TransactionPoolValidator: GAS_PRICE_TOO_LOW) and does not select one for a block below `min-gas-price`
// (PriceTransactionSelector); for EIP-1559 transactions the price compared is the effective one,
// min(maxFeePerGas, baseFee + maxPriorityFeePerGas). Chain 138's nodes run `min-gas-price=0` (charts/besu-node), so
// the floor there is 0; a chain whose nodes keep a minimum sets `minGasPriceWei` and the tip is raised to clear it.

/** EIP-1559 fees of one transaction. */
export interface Eip1559Fees {
    type: 2;
    maxFeePerGas: bigint;
    maxPriorityFeePerGas: bigint;
}

/** Legacy (type 0) gas price of one transaction. */
export interface LegacyFees {
    type: 0;
    gasPrice: bigint;
}

const max = (...values: bigint[]) => values.reduce((a, b) => (a > b ? a : b));

/**
 * Fees whose effective price clears `minGasPriceWei` whatever the base fee does before inclusion, and that stay
 * valid while the base fee doubles (maxFeePerGas = 2 × base fee + tip, as ethers does). The tip alone is at least
 * the minimum: a tip of `minimum − baseFee` would fall short as soon as the next block's base fee drops (up to
 * 12.5 % per block, EIP-1559).
 */
export function eip1559Fees(baseFee: bigint, suggestedTip: bigint, minGasPriceWei = 0n): Eip1559Fees {
    const tip = max(suggestedTip, minGasPriceWei, 0n);
    return { type: 2, maxFeePerGas: baseFee * 2n + tip, maxPriorityFeePerGas: tip };
}

/** A legacy gas price of at least `minGasPriceWei`. */
export function legacyFees(suggestedGasPrice: bigint, minGasPriceWei = 0n): LegacyFees {
    return { type: 0, gasPrice: max(suggestedGasPrice, minGasPriceWei) };
}

/** The price a node compares with its minimum: min(maxFeePerGas, baseFee + tip) for EIP-1559, else the gas price. */
export function effectiveGasPrice(fees: Eip1559Fees | LegacyFees, baseFee: bigint): bigint {
    if (fees.type === 0) return fees.gasPrice;
    const capped = baseFee + fees.maxPriorityFeePerGas;
    return capped < fees.maxFeePerGas ? capped : fees.maxFeePerGas;
}
