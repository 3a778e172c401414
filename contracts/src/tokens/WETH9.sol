// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/**
 * @title WETH9
 * @notice Wrapped Ether with the behaviour of the canonical WETH9: 1:1 ether deposits and
 * withdrawals, ERC-20 transfers, and an unlimited allowance (`type(uint256).max`) that is never
 * decreased by {transferFrom}. Plain ether transfers (receive/fallback) deposit.
 * @dev Rewritten for Solidity 0.8 with custom errors instead of bare `require`s. Like the
 * canonical contract, {totalSupply} is the contract's ether balance, so ether forced in
 * (selfdestruct, coinbase) counts towards it.
 */
contract WETH9 {
    /// @notice Token name.
    string public constant name = "Wrapped Ether";
    /// @notice Token symbol.
    string public constant symbol = "WETH";
    /// @notice Token decimals.
    uint8 public constant decimals = 18;

    mapping(address account => uint256) private _balances;
    mapping(address owner => mapping(address spender => uint256)) private _allowances;

    /// @notice Emitted when `owner` sets `spender`'s allowance to `value`.
    /// @param owner Token holder.
    /// @param spender Approved spender.
    /// @param value New allowance.
    event Approval(address indexed owner, address indexed spender, uint256 value);
    /// @notice Emitted on every token movement.
    /// @param from Sender.
    /// @param to Recipient.
    /// @param value Amount moved.
    event Transfer(address indexed from, address indexed to, uint256 value);
    /// @notice Emitted when ether is wrapped.
    /// @param to Credited account.
    /// @param value Amount wrapped.
    event Deposit(address indexed to, uint256 value);
    /// @notice Emitted when ether is unwrapped.
    /// @param from Debited account.
    /// @param value Amount unwrapped.
    event Withdrawal(address indexed from, uint256 value);

    /// @notice `account` holds less than `needed`.
    /// @param account The debited account.
    /// @param balance Its balance.
    /// @param needed The amount required.
    error InsufficientBalance(address account, uint256 balance, uint256 needed);
    /// @notice `spender` may move less than `needed` of `owner`'s tokens.
    /// @param owner Token holder.
    /// @param spender Caller.
    /// @param allowance Current allowance.
    /// @param needed The amount required.
    error InsufficientAllowance(address owner, address spender, uint256 allowance, uint256 needed);
    /// @notice Sending ether to `to` failed.
    /// @param to The recipient.
    /// @param value The amount.
    error EtherTransferFailed(address to, uint256 value);

    /// @notice Wraps ether sent without calldata.
    receive() external payable virtual {
        deposit();
    }

    /// @notice Wraps ether sent with unknown calldata, as the canonical fallback does.
    fallback() external payable virtual {
        deposit();
    }

    /// @notice Wraps `msg.value` ether for the caller.
    function deposit() public payable virtual {
        _balances[msg.sender] += msg.value;
        emit Deposit(msg.sender, msg.value);
    }

    /**
     * @notice Unwraps `wad` tokens and sends the ether to the caller.
     * @param wad Amount to unwrap.
     */
    function withdraw(uint256 wad) public virtual {
        uint256 balance = _balances[msg.sender];
        if (balance < wad) revert InsufficientBalance(msg.sender, balance, wad);
        unchecked {
            _balances[msg.sender] = balance - wad;
        }
        emit Withdrawal(msg.sender, wad);
        (bool ok, ) = payable(msg.sender).call{value: wad}("");
        if (!ok) revert EtherTransferFailed(msg.sender, wad);
    }

    /// @notice Balance of `account`.
    /// @param account The holder.
    /// @return balance Its balance.
    function balanceOf(address account) public view virtual returns (uint256 balance) {
        return _balances[account];
    }

    /// @notice Amount `spender` may move on behalf of `owner`.
    /// @param owner The holder.
    /// @param spender The spender.
    /// @return remaining The allowance.
    function allowance(address owner, address spender) public view virtual returns (uint256 remaining) {
        return _allowances[owner][spender];
    }

    /// @notice Total wrapped ether, i.e. the ether held by this contract.
    /// @return supply The total supply.
    function totalSupply() public view virtual returns (uint256 supply) {
        supply = address(this).balance;
    }

    /**
     * @notice Sets `guy`'s allowance over the caller's tokens.
     * @param guy Spender.
     * @param wad Allowance; `type(uint256).max` is never decreased.
     * @return ok Always true.
     */
    function approve(address guy, uint256 wad) public virtual returns (bool ok) {
        _allowances[msg.sender][guy] = wad;
        emit Approval(msg.sender, guy, wad);
        return true;
    }

    /**
     * @notice Moves `wad` tokens from the caller to `dst`.
     * @param dst Recipient.
     * @param wad Amount.
     * @return ok Always true (failures revert).
     */
    function transfer(address dst, uint256 wad) public virtual returns (bool ok) {
        return transferFrom(msg.sender, dst, wad);
    }

    /**
     * @notice Moves `wad` tokens from `src` to `dst`, spending allowance unless the caller is
     * `src` or the allowance is unlimited.
     * @param src Sender.
     * @param dst Recipient.
     * @param wad Amount.
     * @return ok Always true (failures revert).
     */
    function transferFrom(address src, address dst, uint256 wad) public virtual returns (bool ok) {
        uint256 balance = _balances[src];
        if (balance < wad) revert InsufficientBalance(src, balance, wad);
        if (src != msg.sender) {
            uint256 allowed = _allowances[src][msg.sender];
            if (allowed != type(uint256).max) {
                if (allowed < wad) revert InsufficientAllowance(src, msg.sender, allowed, wad);
                unchecked {
                    _allowances[src][msg.sender] = allowed - wad;
                }
            }
        }
        unchecked {
            _balances[src] = balance - wad;
        }
        _balances[dst] += wad;
        emit Transfer(src, dst, wad);
        return true;
    }
}
