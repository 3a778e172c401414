// Human-readable ABI fragments the wiring reads and calls (small, and safe to serialise with the provider).

export const ROUTER_ABI = [
    "function getLane(uint64 remoteChainSelector) view returns (tuple(bool enabled, address remoteRouter, uint8 threshold, address[] attesters))",
    "function setLane(uint64 remoteChainSelector, address remoteRouter, address[] attesters, uint8 threshold)",
    "function getFeeConfig(address feeToken) view returns (tuple(bool enabled, uint256 baseFee, uint256 feePerByte, uint256 feePerGas))",
    "function setFeeConfig(address feeToken, tuple(bool enabled, uint256 baseFee, uint256 feePerByte, uint256 feePerGas) config)",
];

export const BRIDGE_ABI = [
    "function remoteBridge(uint64 chainSelector) view returns (address)",
    "function setRemoteBridge(uint64 chainSelector, address bridge)",
];

export const ORACLE_ABI = [
    "function getDestinationOracle(uint64 chainSelector) view returns (address)",
    "function getSource(uint64 chainSelector) view returns (address)",
    "function setDestination(uint64 chainSelector, address oracle)",
    "function setSource(uint64 chainSelector, address oracle)",
];

export const OWNABLE2STEP_ABI = [
    "function owner() view returns (address)",
    "function pendingOwner() view returns (address)",
    "function transferOwnership(address newOwner)",
    "function acceptOwnership()",
];

export const MULTISIG_ABI = [
    "function getOwners() view returns (address[])",
    "function threshold() view returns (uint256)",
    "function transactionCount() view returns (uint256)",
    "function submit(address to, uint256 value, bytes data) returns (uint256)",
    "function execute(uint256 txId) returns (bytes)",
];

export const WETH_ABI = [
    "function balanceOf(address) view returns (uint256)",
    "function deposit() payable",
    "function transfer(address to, uint256 amount) returns (bool)",
];
