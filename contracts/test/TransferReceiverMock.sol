// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/**
 * @title TransferReceiverMock
 * @notice Test recipient for WETH10 transferAndCall: records the call and accepts or rejects it.
 */
contract TransferReceiverMock {
    /// @notice Whether the next callback returns true.
    bool public accept = true;
    /// @notice `from` of the last callback.
    address public lastFrom;
    /// @notice `value` of the last callback.
    uint256 public lastValue;
    /// @notice `data` of the last callback.
    bytes public lastData;

    /// @notice Sets whether callbacks are accepted.
    /// @param accept_ New behaviour.
    function setAccept(bool accept_) external {
        accept = accept_;
    }

    /**
     * @notice ERC-677 style callback.
     * @param from Token sender.
     * @param value Amount.
     * @param data Payload.
     * @return accepted {accept}.
     */
    function onTokenTransfer(address from, uint256 value, bytes calldata data) external returns (bool accepted) {
        lastFrom = from;
        lastValue = value;
        lastData = data;
        return accept;
    }
}
