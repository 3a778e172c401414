// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Client} from "@chainlink/contracts-ccip/contracts/libraries/Client.sol";
import {CCIPReceiver} from "@chainlink/contracts-ccip/contracts/applications/CCIPReceiver.sol";

/**
 * @title CCIPReceiverMock
 * @notice Test receiver: stores the last message and can be told to revert or burn gas.
 */
contract CCIPReceiverMock is CCIPReceiver {
    /// @notice Whether `ccipReceive` reverts.
    bool public shouldRevert;
    /// @notice Number of messages received.
    uint256 public received;
    /// @notice Id of the last message.
    bytes32 public lastMessageId;
    /// @notice Source selector of the last message.
    uint64 public lastSourceChainSelector;
    /// @notice Sender of the last message.
    bytes public lastSender;
    /// @notice Payload of the last message.
    bytes public lastData;

    /// @notice The receiver was told to fail.
    /// @param messageId The rejected message.
    error Rejected(bytes32 messageId);

    /// @param router The router allowed to deliver.
    constructor(address router) CCIPReceiver(router) {}

    /// @notice Toggles failure.
    /// @param value New behaviour.
    function setShouldRevert(bool value) external {
        shouldRevert = value;
    }

    /// @dev Records the message or reverts.
    function _ccipReceive(Client.Any2EVMMessage memory message) internal override {
        if (shouldRevert) revert Rejected(message.messageId);
        ++received;
        lastMessageId = message.messageId;
        lastSourceChainSelector = message.sourceChainSelector;
        lastSender = message.sender;
        lastData = message.data;
    }
}
