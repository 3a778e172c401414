// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {CCIPBridgeBase} from "./CCIPBridgeBase.sol";

/**
 * @title CCIPWETH10Bridge
 * @notice Lock/release CCIP bridge for WETH10 (see {CCIPBridgeBase} for why lock/release rather
 * than WETH10's flash mint, which must be repaid in the same transaction).
 * Adds {bridgeWithPermit}: an EIP-2612 signature replaces the separate approval transaction.
 */
contract CCIPWETH10Bridge is CCIPBridgeBase {
    /**
     * @param router CCIP router.
     * @param weth10 The WETH10 contract on this chain.
     * @param initialOwner Owner.
     */
    constructor(address router, address weth10, address initialOwner)
        CCIPBridgeBase(router, IERC20(weth10), initialOwner)
    {}

    /**
     * @notice Like {bridge}, approving the bridge for `amount` with an EIP-2612 permit first.
     * @dev A failing permit is tolerated (someone may have submitted the same signature first);
     * the transfer then needs the allowance to exist already.
     * @param destChainSelector Destination chain.
     * @param recipient Recipient on the destination.
     * @param amount Amount to bridge (and the permit value).
     * @param deadline Permit deadline.
     * @param v Permit signature v.
     * @param r Permit signature r.
     * @param s Permit signature s.
     * @return messageId CCIP message id.
     */
    function bridgeWithPermit(
        uint64 destChainSelector,
        address recipient,
        uint256 amount,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external payable virtual nonReentrant whenNotPaused returns (bytes32 messageId) {
        try IERC20Permit(address(token())).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        _lock(msg.sender, amount);
        return _send(destChainSelector, recipient, amount, msg.value);
    }
}
