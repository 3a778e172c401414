// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {Client} from "@chainlink/contracts-ccip/contracts/libraries/Client.sol";
import {IRouterClient} from "@chainlink/contracts-ccip/contracts/interfaces/IRouterClient.sol";
import {CCIPReceiver} from "@chainlink/contracts-ccip/contracts/applications/CCIPReceiver.sol";

/**
 * @title CCIPBridgeBase
 * @notice Lock/release token bridge over CCIP, shared by the WETH9 and WETH10 bridges.
 *
 * A transfer locks `amount` of {token} in this contract and sends `abi.encode(recipient, amount)`
 * to the allowlisted bridge on the destination chain, which releases the same amount from its own
 * locked balance. Lock/release (not mint/burn) is used because wrapped ether can only be minted
 * against ether: a bridge cannot create WETH, so the destination side must hold liquidity (bridged
 * in earlier or deposited by the operator). If it holds too little, the inbound message reverts
 * with {InsufficientLiquidity}; on the Chain 138 router that marks the message failed and it can be
 * retried once liquidity arrives, on Chainlink's router it becomes manually executable.
 *
 * Works with any {IRouterClient}: this suite's router or Chainlink's. Fees are paid in native
 * currency (`feeToken == address(0)`) from `msg.value`, excess refunded, or in an ERC-20 pulled
 * from the sender. Each inbound message id is processed at most once, independently of any
 * replay protection of the router. Sends and receipts stop while paused.
 */
abstract contract CCIPBridgeBase is CCIPReceiver, Ownable2Step, Pausable, ReentrancyGuard {
    using SafeERC20 for IERC20;

    IERC20 private immutable _token;
    address private _feeToken;
    uint256 private _destGasLimit = 200_000;
    mapping(uint64 chainSelector => address bridge) private _remoteBridges;
    mapping(bytes32 messageId => bool) private _processed;

    /// @notice A bridge on another chain was allowlisted (zero: removed).
    /// @param chainSelector Remote chain.
    /// @param bridge Remote bridge address.
    event RemoteBridgeSet(uint64 indexed chainSelector, address bridge);
    /// @notice The fee token changed.
    /// @param feeToken New fee token (zero: native).
    event FeeTokenSet(address feeToken);
    /// @notice The destination gas limit changed.
    /// @param gasLimit New gas limit for `ccipReceive` on the destination.
    event DestGasLimitSet(uint256 gasLimit);
    /// @notice Tokens were locked and a message sent.
    /// @param messageId CCIP message id.
    /// @param destChainSelector Destination chain.
    /// @param sender Who locked.
    /// @param recipient Who receives on the destination.
    /// @param amount Amount locked.
    /// @param fee CCIP fee paid.
    event TokensLocked(
        bytes32 indexed messageId,
        uint64 indexed destChainSelector,
        address indexed sender,
        address recipient,
        uint256 amount,
        uint256 fee
    );
    /// @notice Tokens were released for an inbound message.
    /// @param messageId CCIP message id.
    /// @param sourceChainSelector Source chain.
    /// @param recipient Who received.
    /// @param amount Amount released.
    event TokensReleased(
        bytes32 indexed messageId,
        uint64 indexed sourceChainSelector,
        address indexed recipient,
        uint256 amount
    );

    /// @notice No bridge is allowlisted for `chainSelector`.
    /// @param chainSelector Remote chain.
    error RemoteBridgeNotSet(uint64 chainSelector);
    /// @notice An inbound message did not come from the allowlisted bridge of its source chain.
    /// @param chainSelector Source chain.
    /// @param sender Encoded sender of the message.
    error SenderNotAllowlisted(uint64 chainSelector, bytes sender);
    /// @notice The message id was already processed.
    /// @param messageId Message id.
    error MessageAlreadyProcessed(bytes32 messageId);
    /// @notice `msg.value` is below the CCIP fee.
    /// @param required Fee.
    /// @param provided `msg.value` available for the fee.
    error InsufficientFee(uint256 required, uint256 provided);
    /// @notice Native value was sent while fees are paid in an ERC-20.
    /// @param value `msg.value`.
    error UnexpectedValue(uint256 value);
    /// @notice The bridge holds less than it must release.
    /// @param available Locked balance.
    /// @param required Amount to release.
    error InsufficientLiquidity(uint256 available, uint256 required);
    /// @notice Zero amount or zero recipient.
    error InvalidTransfer();
    /// @notice An address argument is zero.
    error ZeroAddress();

    /**
     * @param router CCIP router (ours on Chain 138, Chainlink's on mainnet).
     * @param token_ The bridged token.
     * @param initialOwner Owner (constructor argument so CREATE2 factories work).
     */
    constructor(address router, IERC20 token_, address initialOwner) CCIPReceiver(router) Ownable(initialOwner) {
        if (address(token_) == address(0)) revert ZeroAddress();
        _token = token_;
    }

    // ------------------------------------------------------------------ user API

    /**
     * @notice Locks `amount` of the caller's tokens and sends them to `recipient` on `destChainSelector`.
     * @dev Needs an allowance of `amount` (and of the fee, if fees are paid in an ERC-20).
     * Native fees: `msg.value` must cover {quoteFee}; the excess is refunded.
     * @param destChainSelector Destination chain.
     * @param recipient Recipient on the destination.
     * @param amount Amount to bridge.
     * @return messageId CCIP message id.
     */
    function bridge(
        uint64 destChainSelector,
        address recipient,
        uint256 amount
    ) external payable virtual nonReentrant whenNotPaused returns (bytes32 messageId) {
        _lock(msg.sender, amount);
        return _send(destChainSelector, recipient, amount, msg.value);
    }

    /**
     * @notice The CCIP fee for bridging `amount` to `recipient` on `destChainSelector`.
     * @param destChainSelector Destination chain.
     * @param recipient Recipient on the destination.
     * @param amount Amount.
     * @return fee Fee in {feeToken} units.
     */
    function quoteFee(uint64 destChainSelector, address recipient, uint256 amount) public view virtual returns (uint256 fee) {
        return IRouterClient(getRouter()).getFee(destChainSelector, _buildMessage(destChainSelector, recipient, amount));
    }

    // ------------------------------------------------------------------ admin

    /**
     * @notice Allowlists the bridge on `chainSelector` (zero address removes it).
     * @param chainSelector Remote chain.
     * @param bridge_ Bridge address there.
     */
    function setRemoteBridge(uint64 chainSelector, address bridge_) external virtual onlyOwner {
        _remoteBridges[chainSelector] = bridge_;
        emit RemoteBridgeSet(chainSelector, bridge_);
    }

    /// @notice Sets the token CCIP fees are paid in (zero: native).
    /// @param feeToken_ The fee token.
    function setFeeToken(address feeToken_) external virtual onlyOwner {
        _feeToken = feeToken_;
        emit FeeTokenSet(feeToken_);
    }

    /// @notice Sets the gas limit requested for `ccipReceive` on the destination.
    /// @param gasLimit The gas limit.
    function setDestGasLimit(uint256 gasLimit) external virtual onlyOwner {
        _destGasLimit = gasLimit;
        emit DestGasLimitSet(gasLimit);
    }

    /// @notice Stops sends and receipts.
    function pause() external virtual onlyOwner {
        _pause();
    }

    /// @notice Resumes sends and receipts.
    function unpause() external virtual onlyOwner {
        _unpause();
    }

    // ------------------------------------------------------------------ views

    /// @notice The bridged token.
    /// @return token_ Token address.
    function token() public view virtual returns (IERC20 token_) {
        return _token;
    }

    /// @notice The token CCIP fees are paid in (zero: native).
    /// @return feeToken_ Fee token.
    function feeToken() public view virtual returns (address feeToken_) {
        return _feeToken;
    }

    /// @notice Gas limit requested for `ccipReceive` on the destination.
    /// @return gasLimit The gas limit.
    function destGasLimit() public view virtual returns (uint256 gasLimit) {
        return _destGasLimit;
    }

    /// @notice The allowlisted bridge on `chainSelector` (zero: none).
    /// @param chainSelector Remote chain.
    /// @return bridge_ Bridge address.
    function remoteBridge(uint64 chainSelector) public view virtual returns (address bridge_) {
        return _remoteBridges[chainSelector];
    }

    /// @notice Whether inbound `messageId` was processed.
    /// @param messageId Message id.
    /// @return processed True once released.
    function isProcessed(bytes32 messageId) public view virtual returns (bool processed) {
        return _processed[messageId];
    }

    /// @notice Tokens currently locked here (available for releases).
    /// @return amount Locked balance.
    function lockedLiquidity() public view virtual returns (uint256 amount) {
        return _token.balanceOf(address(this));
    }

    // ------------------------------------------------------------------ internals

    /// @dev Handles an inbound message: allowlist, replay and pause checks, then release.
    function _ccipReceive(Client.Any2EVMMessage memory message) internal virtual override whenNotPaused {
        address expected = _remoteBridges[message.sourceChainSelector];
        if (expected == address(0) || keccak256(message.sender) != keccak256(abi.encode(expected))) {
            revert SenderNotAllowlisted(message.sourceChainSelector, message.sender);
        }
        if (_processed[message.messageId]) revert MessageAlreadyProcessed(message.messageId);
        _processed[message.messageId] = true;
        (address recipient, uint256 amount) = abi.decode(message.data, (address, uint256));
        _release(recipient, amount);
        emit TokensReleased(message.messageId, message.sourceChainSelector, recipient, amount);
    }

    /// @dev Pays the fee from `value` (native) or from the sender (ERC-20) and sends the message.
    function _send(
        uint64 destChainSelector,
        address recipient,
        uint256 amount,
        uint256 value
    ) internal virtual returns (bytes32 messageId) {
        Client.EVM2AnyMessage memory message = _buildMessage(destChainSelector, recipient, amount);
        IRouterClient router = IRouterClient(getRouter());
        uint256 fee = router.getFee(destChainSelector, message);
        address feeToken_ = _feeToken;
        if (feeToken_ == address(0)) {
            if (value < fee) revert InsufficientFee(fee, value);
            messageId = router.ccipSend{value: fee}(destChainSelector, message);
            if (value > fee) Address.sendValue(payable(msg.sender), value - fee);
        } else {
            if (value != 0) revert UnexpectedValue(value);
            IERC20(feeToken_).safeTransferFrom(msg.sender, address(this), fee);
            IERC20(feeToken_).forceApprove(address(router), fee);
            messageId = router.ccipSend(destChainSelector, message);
        }
        emit TokensLocked(messageId, destChainSelector, msg.sender, recipient, amount, fee);
    }

    /// @dev The CCIP message for a transfer; reverts if the destination has no allowlisted bridge.
    function _buildMessage(
        uint64 destChainSelector,
        address recipient,
        uint256 amount
    ) internal view virtual returns (Client.EVM2AnyMessage memory) {
        address remote = _remoteBridges[destChainSelector];
        if (remote == address(0)) revert RemoteBridgeNotSet(destChainSelector);
        if (recipient == address(0) || amount == 0) revert InvalidTransfer();
        return
            Client.EVM2AnyMessage({
                receiver: abi.encode(remote),
                data: abi.encode(recipient, amount),
                tokenAmounts: new Client.EVMTokenAmount[](0),
                feeToken: _feeToken,
                extraArgs: Client._argsToBytes(
                    Client.GenericExtraArgsV2({gasLimit: _destGasLimit, allowOutOfOrderExecution: true})
                )
            });
    }

    /// @dev Takes `amount` tokens from `from` into the bridge. Override to change custody.
    function _lock(address from, uint256 amount) internal virtual {
        if (amount == 0) revert InvalidTransfer();
        _token.safeTransferFrom(from, address(this), amount);
    }

    /// @dev Hands `amount` locked tokens to `to`. Override to change custody.
    function _release(address to, uint256 amount) internal virtual {
        uint256 available = _token.balanceOf(address(this));
        if (available < amount) revert InsufficientLiquidity(available, amount);
        _token.safeTransfer(to, amount);
    }
}
