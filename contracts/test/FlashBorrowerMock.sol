// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC3156FlashBorrower} from "@openzeppelin/contracts/interfaces/IERC3156FlashBorrower.sol";
import {IERC3156FlashLender} from "@openzeppelin/contracts/interfaces/IERC3156FlashLender.sol";

/**
 * @title FlashBorrowerMock
 * @notice Test borrower for WETH10 flash mints: records what it saw, can nest a second loan,
 * skip the repayment approval or return a wrong callback value.
 */
contract FlashBorrowerMock is IERC3156FlashBorrower {
    /// @notice Behaviour selector for the next loan.
    enum Mode {
        Repay,
        NoApprove,
        WrongReturn,
        Nested
    }

    /// @notice Balance observed inside the callback.
    uint256 public balanceInCallback;
    /// @notice Total supply observed inside the callback.
    uint256 public supplyInCallback;
    /// @notice Outstanding flash-minted amount observed by the innermost callback.
    uint256 public nestedAmount;

    /**
     * @notice Takes a flash loan from `lender`.
     * @param lender The lender (WETH10).
     * @param amount Amount.
     * @param mode Behaviour in the callback.
     * @param nested Amount of the inner loan when `mode` is Nested.
     */
    function borrow(IERC3156FlashLender lender, uint256 amount, Mode mode, uint256 nested) external {
        lender.flashLoan(this, address(lender), amount, abi.encode(mode, nested));
    }

    /// @inheritdoc IERC3156FlashBorrower
    function onFlashLoan(
        address,
        address token,
        uint256 amount,
        uint256 fee,
        bytes calldata data
    ) external returns (bytes32) {
        (Mode mode, uint256 nested) = abi.decode(data, (Mode, uint256));
        balanceInCallback = IERC20(token).balanceOf(address(this));
        supplyInCallback = IERC20(token).totalSupply();
        if (mode == Mode.Nested) {
            IERC3156FlashLender(msg.sender).flashLoan(this, token, nested, abi.encode(Mode.Repay, uint256(0)));
        } else {
            nestedAmount = amount;
        }
        if (mode != Mode.NoApprove) IERC20(token).approve(msg.sender, IERC20(token).allowance(address(this), msg.sender) + amount + fee);
        return mode == Mode.WrongReturn ? bytes32(0) : keccak256("ERC3156FlashBorrower.onFlashLoan");
    }
}
