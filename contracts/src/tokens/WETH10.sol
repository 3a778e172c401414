// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20FlashMint} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20FlashMint.sol";
import {IERC3156FlashBorrower} from "@openzeppelin/contracts/interfaces/IERC3156FlashBorrower.sol";
import {ITransferReceiver} from "./interfaces/ITransferReceiver.sol";

/**
 * @title WETH10
 * @notice Wrapped Ether with EIP-2612 permits, fee-free ERC-3156 flash minting and
 * transferAndCall, in the spirit of the canonical WETH10.
 * @dev Every non-flash token is backed 1:1 by ether held here. Flash mints are capped like the
 * canonical contract: the sum of concurrently outstanding (nested) flash mints never exceeds
 * `type(uint112).max`, so a flash mint can never overflow {totalSupply} arithmetic.
 * Allowances of `type(uint256).max` are not decreased (OpenZeppelin ERC20 semantics).
 */
contract WETH10 is ERC20, ERC20Permit, ERC20FlashMint {
    /// @notice Cap on the total value flash minted at any one time.
    uint256 public constant FLASH_MINT_CAP = type(uint112).max;

    bytes32 private constant _FLASH_CALLBACK_SUCCESS = keccak256("ERC3156FlashBorrower.onFlashLoan");

    uint256 private _flashMinted;

    /// @notice Emitted when ether is wrapped.
    /// @param to Credited account.
    /// @param value Amount wrapped.
    event Deposit(address indexed to, uint256 value);
    /// @notice Emitted when ether is unwrapped.
    /// @param from Debited account.
    /// @param to Ether recipient.
    /// @param value Amount unwrapped.
    event Withdrawal(address indexed from, address indexed to, uint256 value);

    /// @notice Sending ether to `to` failed.
    /// @param to The recipient.
    /// @param value The amount.
    error EtherTransferFailed(address to, uint256 value);
    /// @notice The flash borrower did not return the ERC-3156 success value.
    /// @param receiver The borrower.
    error FlashCallbackFailed(address receiver);
    /// @notice The transferAndCall recipient did not accept the tokens.
    /// @param to The recipient.
    error TransferCallbackRejected(address to);

    /// @notice Deploys the token; it has no owner and no admin functions.
    constructor() ERC20("Wrapped Ether v10", "WETH10") ERC20Permit("Wrapped Ether v10") {}

    /// @notice Wraps ether sent without calldata.
    receive() external payable virtual {
        _deposit(msg.sender);
    }

    /// @notice Wraps `msg.value` ether for the caller.
    function deposit() external payable virtual {
        _deposit(msg.sender);
    }

    /// @notice Wraps `msg.value` ether for `to`.
    /// @param to Credited account.
    function depositTo(address to) external payable virtual {
        _deposit(to);
    }

    /// @notice Unwraps `value` of the caller's tokens and sends the ether to the caller.
    /// @param value Amount to unwrap.
    function withdraw(uint256 value) external virtual {
        _withdraw(msg.sender, payable(msg.sender), value);
    }

    /// @notice Unwraps `value` of the caller's tokens and sends the ether to `to`.
    /// @param to Ether recipient.
    /// @param value Amount to unwrap.
    function withdrawTo(address payable to, uint256 value) external virtual {
        _withdraw(msg.sender, to, value);
    }

    /**
     * @notice Unwraps `value` of `from`'s tokens, spending the caller's allowance, and sends
     * the ether to `to`.
     * @param from Token holder.
     * @param to Ether recipient.
     * @param value Amount to unwrap.
     */
    function withdrawFrom(address from, address payable to, uint256 value) external virtual {
        if (from != msg.sender) _spendAllowance(from, msg.sender, value);
        _withdraw(from, to, value);
    }

    /**
     * @notice Transfers `value` tokens to `to`, then calls `to.onTokenTransfer(msg.sender, value, data)`.
     * @param to Recipient contract.
     * @param value Amount.
     * @param data Payload for the recipient.
     * @return ok Always true (failures revert).
     */
    function transferAndCall(address to, uint256 value, bytes calldata data) external virtual returns (bool ok) {
        _transfer(msg.sender, to, value);
        if (!ITransferReceiver(to).onTokenTransfer(msg.sender, value, data)) revert TransferCallbackRejected(to);
        return true;
    }

    /// @notice Value currently flash minted and not yet repaid (non-zero only during a loan).
    /// @return minted Outstanding flash-minted amount.
    function flashMinted() external view virtual returns (uint256 minted) {
        return _flashMinted;
    }

    /**
     * @notice Largest flash mint currently possible.
     * @param token Must be this contract.
     * @return max `FLASH_MINT_CAP` minus what is already flash minted, or 0 for other tokens.
     */
    function maxFlashLoan(address token) public view virtual override returns (uint256 max) {
        return token == address(this) ? FLASH_MINT_CAP - _flashMinted : 0;
    }

    /**
     * @notice Flash mints `value` tokens to `receiver`, calls its ERC-3156 callback and burns
     * them back (fee: zero). The receiver must approve this contract for `value`.
     * @dev Re-implements the OpenZeppelin flow so the outstanding amount is tracked across
     * nested loans, which the cap needs.
     * @param receiver Borrower.
     * @param token Must be this contract.
     * @param value Amount to mint.
     * @param data Payload for the borrower.
     * @return ok Always true (failures revert).
     */
    function flashLoan(
        IERC3156FlashBorrower receiver,
        address token,
        uint256 value,
        bytes calldata data
    ) public virtual override returns (bool ok) {
        if (token != address(this)) revert ERC3156UnsupportedToken(token);
        uint256 max = maxFlashLoan(token);
        if (value > max) revert ERC3156ExceededMaxLoan(max);
        _flashMinted += value;
        _mint(address(receiver), value);
        if (receiver.onFlashLoan(msg.sender, token, value, 0, data) != _FLASH_CALLBACK_SUCCESS) {
            revert FlashCallbackFailed(address(receiver));
        }
        _spendAllowance(address(receiver), address(this), value);
        _burn(address(receiver), value);
        _flashMinted -= value;
        return true;
    }

    /// @dev Mints `msg.value` tokens to `to`.
    function _deposit(address to) internal virtual {
        _mint(to, msg.value);
        emit Deposit(to, msg.value);
    }

    /// @dev Burns `value` from `from` and pays `to` the ether.
    function _withdraw(address from, address payable to, uint256 value) internal virtual {
        _burn(from, value);
        emit Withdrawal(from, to, value);
        (bool sent, ) = to.call{value: value}("");
        if (!sent) revert EtherTransferFailed(to, value);
    }
}
