// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/**
 * @title Multicall3
 * @notice Batches read and write calls into one transaction, with the same entry points and
 * semantics as the canonical Multicall3 (aggregate, tryAggregate, blockAndAggregate,
 * tryBlockAndAggregate, aggregate3, aggregate3Value and the block/chain helpers).
 * @dev Failures that must bubble revert with custom errors naming the failing call index
 * instead of the canonical revert strings. The contract holds no state and no owner.
 */
contract Multicall3 {
    /// @notice A call without a failure flag (aggregate, tryAggregate).
    struct Call {
        address target;
        bytes callData;
    }

    /// @notice A call that may be allowed to fail (aggregate3).
    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    /// @notice A value-carrying call that may be allowed to fail (aggregate3Value).
    struct Call3Value {
        address target;
        bool allowFailure;
        uint256 value;
        bytes callData;
    }

    /// @notice The outcome of one call.
    struct Result {
        bool success;
        bytes returnData;
    }

    /// @notice Call `index` reverted and was not allowed to fail.
    /// @param index Position of the failing call in the batch.
    /// @param returnData The revert data of the call.
    error CallFailed(uint256 index, bytes returnData);

    /// @notice The sum of per-call values does not match the ether sent.
    /// @param expected Sum of `Call3Value.value` over the batch.
    /// @param provided `msg.value`.
    error ValueMismatch(uint256 expected, uint256 provided);

    /**
     * @notice Executes every call and reverts if any fails.
     * @param calls The calls to make.
     * @return blockNumber The current block number.
     * @return returnData The return data of each call.
     */
    function aggregate(
        Call[] calldata calls
    ) public payable virtual returns (uint256 blockNumber, bytes[] memory returnData) {
        blockNumber = block.number;
        returnData = new bytes[](calls.length);
        for (uint256 i = 0; i < calls.length; ++i) {
            (bool ok, bytes memory ret) = calls[i].target.call(calls[i].callData);
            if (!ok) revert CallFailed(i, ret);
            returnData[i] = ret;
        }
    }

    /**
     * @notice Executes every call; reverts on a failure only when `requireSuccess` is set.
     * @param requireSuccess Whether a failing call reverts the batch.
     * @param calls The calls to make.
     * @return returnData The outcome of each call.
     */
    function tryAggregate(
        bool requireSuccess,
        Call[] calldata calls
    ) public payable virtual returns (Result[] memory returnData) {
        returnData = new Result[](calls.length);
        for (uint256 i = 0; i < calls.length; ++i) {
            (bool ok, bytes memory ret) = calls[i].target.call(calls[i].callData);
            if (requireSuccess && !ok) revert CallFailed(i, ret);
            returnData[i] = Result(ok, ret);
        }
    }

    /**
     * @notice Like {tryAggregate}, also returning the block number and hash.
     * @param requireSuccess Whether a failing call reverts the batch.
     * @param calls The calls to make.
     * @return blockNumber The current block number.
     * @return blockHash The hash of the current block (zero: not yet known inside the block).
     * @return returnData The outcome of each call.
     */
    function tryBlockAndAggregate(
        bool requireSuccess,
        Call[] calldata calls
    ) public payable virtual returns (uint256 blockNumber, bytes32 blockHash, Result[] memory returnData) {
        blockNumber = block.number;
        blockHash = blockhash(block.number);
        returnData = tryAggregate(requireSuccess, calls);
    }

    /**
     * @notice Like {tryBlockAndAggregate} with every call required to succeed.
     * @param calls The calls to make.
     * @return blockNumber The current block number.
     * @return blockHash The hash of the current block.
     * @return returnData The outcome of each call.
     */
    function blockAndAggregate(
        Call[] calldata calls
    ) public payable virtual returns (uint256 blockNumber, bytes32 blockHash, Result[] memory returnData) {
        return tryBlockAndAggregate(true, calls);
    }

    /**
     * @notice Executes calls, each of which states whether it may fail.
     * @param calls The calls to make.
     * @return returnData The outcome of each call.
     */
    function aggregate3(Call3[] calldata calls) public payable virtual returns (Result[] memory returnData) {
        returnData = new Result[](calls.length);
        for (uint256 i = 0; i < calls.length; ++i) {
            Call3 calldata c = calls[i];
            (bool ok, bytes memory ret) = c.target.call(c.callData);
            if (!ok && !c.allowFailure) revert CallFailed(i, ret);
            returnData[i] = Result(ok, ret);
        }
    }

    /**
     * @notice Executes value-carrying calls; `msg.value` must equal the sum of the values.
     * @param calls The calls to make.
     * @return returnData The outcome of each call.
     */
    function aggregate3Value(
        Call3Value[] calldata calls
    ) public payable virtual returns (Result[] memory returnData) {
        uint256 total = 0;
        returnData = new Result[](calls.length);
        for (uint256 i = 0; i < calls.length; ++i) {
            Call3Value calldata c = calls[i];
            total += c.value;
            (bool ok, bytes memory ret) = c.target.call{value: c.value}(c.callData);
            if (!ok && !c.allowFailure) revert CallFailed(i, ret);
            returnData[i] = Result(ok, ret);
        }
        if (total != msg.value) revert ValueMismatch(total, msg.value);
    }

    /// @notice Hash of block `blockNumber` (zero outside the last 256 blocks).
    /// @param blockNumber The block to look up.
    /// @return blockHash The block hash.
    function getBlockHash(uint256 blockNumber) public view virtual returns (bytes32 blockHash) {
        blockHash = blockhash(blockNumber);
    }

    /// @notice The current block number.
    /// @return blockNumber `block.number`.
    function getBlockNumber() public view virtual returns (uint256 blockNumber) {
        blockNumber = block.number;
    }

    /// @notice The current block's coinbase.
    /// @return coinbase `block.coinbase`.
    function getCurrentBlockCoinbase() public view virtual returns (address coinbase) {
        coinbase = block.coinbase;
    }

    /// @notice The current block's difficulty; after the merge this is `prevrandao`.
    /// @return difficulty `block.prevrandao`.
    function getCurrentBlockDifficulty() public view virtual returns (uint256 difficulty) {
        difficulty = block.prevrandao;
    }

    /// @notice The current block's gas limit.
    /// @return gaslimit `block.gaslimit`.
    function getCurrentBlockGasLimit() public view virtual returns (uint256 gaslimit) {
        gaslimit = block.gaslimit;
    }

    /// @notice The current block's timestamp.
    /// @return timestamp `block.timestamp`.
    function getCurrentBlockTimestamp() public view virtual returns (uint256 timestamp) {
        timestamp = block.timestamp;
    }

    /// @notice The ether balance of `addr`.
    /// @param addr The account to look up.
    /// @return balance Its balance in wei.
    function getEthBalance(address addr) public view virtual returns (uint256 balance) {
        balance = addr.balance;
    }

    /// @notice Hash of the previous block.
    /// @return blockHash `blockhash(block.number - 1)`.
    function getLastBlockHash() public view virtual returns (bytes32 blockHash) {
        unchecked {
            blockHash = blockhash(block.number - 1);
        }
    }

    /// @notice The current block's base fee.
    /// @return basefee `block.basefee`.
    function getBasefee() public view virtual returns (uint256 basefee) {
        basefee = block.basefee;
    }

    /// @notice The chain id.
    /// @return chainid `block.chainid`.
    function getChainId() public view virtual returns (uint256 chainid) {
        chainid = block.chainid;
    }
}
