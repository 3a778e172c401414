// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {CCIPBridgeBase} from "./CCIPBridgeBase.sol";
import {IWETH} from "./IWETH.sol";

/**
 * @title CCIPWETH9Bridge
 * @notice Lock/release CCIP bridge for WETH9 (see {CCIPBridgeBase} for why lock/release).
 * Besides bridging WETH9 it accepts plain ether: {bridgeNative} wraps it first.
 */
contract CCIPWETH9Bridge is CCIPBridgeBase {
    /// @notice `msg.value` does not cover the amount to wrap.
    /// @param amount Amount to bridge.
    /// @param value `msg.value`.
    error ValueBelowAmount(uint256 amount, uint256 value);

    /**
     * @param router CCIP router.
     * @param weth9 The WETH9 contract on this chain.
     * @param initialOwner Owner.
     */
    constructor(address router, address weth9, address initialOwner)
        CCIPBridgeBase(router, IERC20(weth9), initialOwner)
    {}

    /**
     * @notice Wraps `amount` of `msg.value` into WETH9, locks it and bridges it to `recipient`;
     * the rest of `msg.value` pays the native fee (excess refunded). Requires a native fee token.
     * @param destChainSelector Destination chain.
     * @param recipient Recipient on the destination.
     * @param amount Amount to wrap and bridge.
     * @return messageId CCIP message id.
     */
    function bridgeNative(
        uint64 destChainSelector,
        address recipient,
        uint256 amount
    ) external payable virtual nonReentrant whenNotPaused returns (bytes32 messageId) {
        if (msg.value < amount) revert ValueBelowAmount(amount, msg.value);
        if (amount == 0) revert InvalidTransfer();
        IWETH(address(token())).deposit{value: amount}();
        return _send(destChainSelector, recipient, amount, msg.value - amount);
    }
}
