// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/**
 * @title ITransferReceiver
 * @notice Callback a contract implements to accept {WETH10-transferAndCall} (ERC-677 style).
 */
interface ITransferReceiver {
    /**
     * @notice Called on the recipient after `value` tokens were transferred to it.
     * @param from The account the tokens came from.
     * @param value Amount received.
     * @param data Arbitrary payload forwarded by the sender.
     * @return accepted Must be true, otherwise the transfer reverts.
     */
    function onTokenTransfer(address from, uint256 value, bytes calldata data) external returns (bool accepted);
}
