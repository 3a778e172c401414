// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/**
 * @title IWETH
 * @notice The wrap/unwrap entry points WETH9 and WETH10 share.
 */
interface IWETH {
    /// @notice Wraps `msg.value` ether for the caller.
    function deposit() external payable;

    /// @notice Unwraps `wad` of the caller's tokens.
    /// @param wad Amount.
    function withdraw(uint256 wad) external;
}
