// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {Client} from "@chainlink/contracts-ccip/contracts/libraries/Client.sol";
import {IRouterClient} from "@chainlink/contracts-ccip/contracts/interfaces/IRouterClient.sol";
import {IAny2EVMMessageReceiver} from "@chainlink/contracts-ccip/contracts/interfaces/IAny2EVMMessageReceiver.sol";

/**
 * @title CCIPRouter
 * @notice A CCIP-compatible router for chains without a Chainlink deployment (Chain 138, and
 * both sides in local development). Senders use the standard {IRouterClient} API; receivers get
 * the standard `ccipReceive(Client.Any2EVMMessage)` callback, so applications run unchanged
 * against Chainlink's router.
 *
 * Outbound: {ccipSend} charges a fee (native or an owner-enabled ERC-20), assigns the next
 * per-lane sequence number and a unique message id, and emits {CCIPMessageSent} with the full
 * message. Nothing else is stored per message: a relayer resumes after a restart by reading
 * {getLastDeliveredSequence} on the destination and fetching the {CCIPMessageSent} logs whose
 * indexed `sequenceNumber` is above it.
 *
 * Inbound: anyone may call {deliver} with a message and attester signatures. The message is
 * accepted only if at least the lane's threshold of distinct lane attesters signed its EIP-712
 * digest (see {MESSAGE_TYPEHASH}; domain: name "CCIPRouter", version "1", this chain's id, this
 * router's address).
 *
 * Ordering: delivery is strictly in order per source lane. Message `n` is accepted only once
 * `n - 1` was delivered; an already delivered sequence number reverts with
 * {MessageAlreadyDelivered}, which is the replay protection. A receiver that reverts does not
 * block the lane: the message is recorded as failed and anyone can re-run it with
 * {retryFailedMessage}.
 *
 * Tokens: this router moves no tokens. `tokenAmounts` must be empty on send (and is always empty
 * on delivery); the bridges lock and release value themselves.
 *
 * Deployable through a CREATE2 factory: the owner is a constructor argument.
 */
contract CCIPRouter is IRouterClient, Ownable2Step, EIP712, ReentrancyGuard {
    using EnumerableSet for EnumerableSet.AddressSet;
    using EnumerableSet for EnumerableSet.UintSet;
    using SafeERC20 for IERC20;

    /// @notice A message delivered to this chain, as reconstructed by the relayer from the
    /// source router's {CCIPMessageSent} event.
    struct InboundMessage {
        bytes32 messageId;
        uint64 sourceChainSelector;
        uint64 sequenceNumber;
        address sender;
        address receiver;
        bytes data;
        Client.EVMTokenAmount[] tokenAmounts;
        uint256 gasLimit;
    }

    /// @notice A sent message as emitted in {CCIPMessageSent}.
    /// `receiver` is `abi.encode(address)`, `tokenAmounts` is always empty, `gasLimit` is the
    /// receiver gas limit on the destination, `feeAmount` what was paid in `feeToken` (zero: native).
    struct OutboundMessage {
        address sender;
        bytes receiver;
        bytes data;
        Client.EVMTokenAmount[] tokenAmounts;
        uint256 gasLimit;
        address feeToken;
        uint256 feeAmount;
    }

    /// @notice Fee schedule of one fee token: `baseFee + feePerByte * data.length + feePerGas * gasLimit`.
    struct FeeConfig {
        bool enabled;
        uint256 baseFee;
        uint256 feePerByte;
        uint256 feePerGas;
    }

    /// @notice A lane as returned by {getLane}.
    struct LaneView {
        bool enabled;
        address remoteRouter;
        uint8 threshold;
        address[] attesters;
    }

    /// @dev Stored lane configuration (attesters live in `_attesters`).
    struct Lane {
        bool enabled;
        address remoteRouter;
        uint8 threshold;
    }

    /// @notice EIP-712 type of the attested inbound message.
    bytes32 public constant MESSAGE_TYPEHASH =
        keccak256(
            "Any2EVMMessage(bytes32 messageId,uint64 sourceChainSelector,uint64 destChainSelector,uint64 sequenceNumber,address sender,address receiver,bytes data,TokenAmount[] tokenAmounts,uint256 gasLimit)TokenAmount(address token,uint256 amount)"
        );
    /// @notice EIP-712 type of one token amount (the array is always empty for this router).
    bytes32 public constant TOKEN_AMOUNT_TYPEHASH = keccak256("TokenAmount(address token,uint256 amount)");
    /// @notice Receiver gas limit when `extraArgs` is empty (Chainlink's default).
    uint256 public constant DEFAULT_GAS_LIMIT = 200_000;
    /// @notice Largest receiver gas limit a sender may request.
    uint256 public constant MAX_GAS_LIMIT = 3_000_000;
    /// @notice Gas kept back for bookkeeping after the receiver call.
    uint256 public constant GAS_FOR_CALL_EXACT_CHECK = 15_000;
    /// @notice Bytes of receiver revert data kept in {MessageExecuted}.
    uint256 public constant MAX_RET_BYTES = 256;

    uint64 private immutable _localChainSelector;
    EnumerableSet.UintSet private _laneSelectors;
    mapping(uint64 remoteSelector => Lane) private _lanes;
    mapping(uint64 remoteSelector => EnumerableSet.AddressSet) private _attesters;
    mapping(uint64 destSelector => uint64) private _outboundSequence;
    mapping(uint64 sourceSelector => uint64) private _inboundSequence;
    mapping(bytes32 messageId => bytes32 messageHash) private _failedMessages;
    EnumerableSet.AddressSet private _feeTokens;
    mapping(address feeToken => FeeConfig) private _feeConfigs;

    /// @notice A lane was created or reconfigured.
    /// @param remoteChainSelector The remote chain.
    /// @param remoteRouter The router on the remote chain.
    /// @param attesters The attesters whose signatures count for inbound messages.
    /// @param threshold Signatures required per inbound message.
    event LaneConfigured(uint64 indexed remoteChainSelector, address remoteRouter, address[] attesters, uint8 threshold);
    /// @notice A lane was disabled; its sequence counters are kept.
    /// @param remoteChainSelector The remote chain.
    event LaneDisabled(uint64 indexed remoteChainSelector);
    /// @notice A fee token's schedule changed.
    /// @param feeToken The token (zero: native).
    /// @param config The new schedule.
    event FeeConfigSet(address indexed feeToken, FeeConfig config);
    /// @notice Collected fees were withdrawn.
    /// @param feeToken The token (zero: native).
    /// @param to Recipient.
    /// @param amount Amount.
    event FeesWithdrawn(address indexed feeToken, address indexed to, uint256 amount);
    /// @notice A message was accepted for delivery to `destChainSelector`.
    /// @param destChainSelector Destination chain.
    /// @param sequenceNumber Per-lane sequence number, starting at 1.
    /// @param messageId Unique message id.
    /// @param message Sender, receiver, payload, gas limit and fee of the message.
    event CCIPMessageSent(
        uint64 indexed destChainSelector,
        uint64 indexed sequenceNumber,
        bytes32 indexed messageId,
        OutboundMessage message
    );
    /// @notice An inbound message was delivered (or its receiver failed).
    /// @param sourceChainSelector Source chain.
    /// @param sequenceNumber Its sequence number on the lane.
    /// @param messageId Message id.
    /// @param receiver The receiver called.
    /// @param success Whether `ccipReceive` succeeded.
    /// @param returnData The first {MAX_RET_BYTES} bytes of the receiver's revert data.
    event MessageExecuted(
        uint64 indexed sourceChainSelector,
        uint64 indexed sequenceNumber,
        bytes32 indexed messageId,
        address receiver,
        bool success,
        bytes returnData
    );
    /// @notice A previously failed message was executed successfully.
    /// @param messageId Message id.
    event FailedMessageRetried(bytes32 indexed messageId);

    /// @notice The fee paid is below the quote.
    /// @param required The fee.
    /// @param provided What was sent.
    error InsufficientFee(uint256 required, uint256 provided);
    /// @notice `feeToken` is not an enabled fee token.
    /// @param feeToken The token (zero: native).
    error UnsupportedFeeToken(address feeToken);
    /// @notice This router does not move tokens.
    /// @param count Number of token amounts in the message.
    error TokenTransfersNotSupported(uint256 count);
    /// @notice The receiver is not `abi.encode(address)`.
    /// @param receiver The encoded receiver.
    error InvalidReceiver(bytes receiver);
    /// @notice `extraArgs` carries an unknown tag or is malformed.
    /// @param extraArgs The extra args.
    error InvalidExtraArgs(bytes extraArgs);
    /// @notice Requested receiver gas limit is above {MAX_GAS_LIMIT}.
    /// @param gasLimit Requested.
    /// @param max Allowed.
    error GasLimitTooHigh(uint256 gasLimit, uint256 max);
    /// @notice No enabled lane for `chainSelector`.
    /// @param chainSelector The remote chain.
    error LaneNotEnabled(uint64 chainSelector);
    /// @notice Lane configuration is invalid.
    /// @param chainSelector The remote chain.
    /// @param threshold Requested threshold.
    /// @param attesters Number of attesters.
    error InvalidLaneConfig(uint64 chainSelector, uint256 threshold, uint256 attesters);
    /// @notice An address argument is zero.
    error ZeroAddress();
    /// @notice `sequenceNumber` on lane `sourceChainSelector` was already delivered (replay).
    /// @param sourceChainSelector Source chain.
    /// @param sequenceNumber Replayed sequence number.
    error MessageAlreadyDelivered(uint64 sourceChainSelector, uint64 sequenceNumber);
    /// @notice Delivery skipped ahead; lanes are strictly ordered.
    /// @param sourceChainSelector Source chain.
    /// @param expected The next deliverable sequence number.
    /// @param provided The sequence number given.
    error OutOfOrderDelivery(uint64 sourceChainSelector, uint64 expected, uint64 provided);
    /// @notice Fewer valid attestations than the lane threshold.
    /// @param required Threshold.
    /// @param provided Valid signatures supplied.
    error InsufficientAttestations(uint256 required, uint256 provided);
    /// @notice A signature recovers to an address that is not a lane attester.
    /// @param chainSelector Source chain.
    /// @param signer Recovered signer.
    error UnknownAttester(uint64 chainSelector, address signer);
    /// @notice Signers must be strictly ascending (which also rules out duplicates).
    /// @param signer The out-of-order signer.
    /// @param previous The signer before it.
    error AttestersNotAscending(address signer, address previous);
    /// @notice Not enough gas left to give the receiver its gas limit.
    /// @param required Gas needed.
    /// @param available Gas left.
    error InsufficientGasForReceiver(uint256 required, uint256 available);
    /// @notice `messageId` is not a failed message with this content.
    /// @param messageId Message id.
    error NotAFailedMessage(bytes32 messageId);
    /// @notice Re-executing a failed message reverted again.
    /// @param messageId Message id.
    /// @param returnData Revert data of the receiver.
    error RetryFailed(bytes32 messageId, bytes returnData);

    /**
     * @notice Deploys a router.
     * @param initialOwner Owner (not msg.sender, so CREATE2 factories work).
     * @param localChainSelector CCIP chain selector of the chain this router runs on.
     */
    constructor(address initialOwner, uint64 localChainSelector) Ownable(initialOwner) EIP712("CCIPRouter", "1") {
        _localChainSelector = localChainSelector;
    }

    // ------------------------------------------------------------------ sending

    /// @inheritdoc IRouterClient
    function isChainSupported(uint64 destChainSelector) public view virtual returns (bool supported) {
        return _lanes[destChainSelector].enabled;
    }

    /**
     * @notice Tokens transferable to a destination chain: none, this router moves no tokens.
     * @return tokens Empty list.
     */
    function getSupportedTokens(uint64) external pure virtual returns (address[] memory tokens) {
        return new address[](0);
    }

    /// @inheritdoc IRouterClient
    function getFee(
        uint64 destinationChainSelector,
        Client.EVM2AnyMessage memory message
    ) public view virtual returns (uint256 fee) {
        (fee, ) = _quote(destinationChainSelector, message);
    }

    /**
     * @inheritdoc IRouterClient
     * @dev Native fees: `msg.value` must cover {getFee}; overpayment is kept, as Chainlink's router
     * does. ERC-20 fees: `msg.value` must be zero and the fee is pulled with `transferFrom`.
     */
    function ccipSend(
        uint64 destinationChainSelector,
        Client.EVM2AnyMessage calldata message
    ) external payable virtual returns (bytes32 messageId) {
        (uint256 fee, uint256 gasLimit) = _quote(destinationChainSelector, message);
        if (message.feeToken == address(0)) {
            if (msg.value < fee) revert InsufficientFee(fee, msg.value);
        } else if (msg.value != 0) {
            revert InvalidMsgValue();
        }
        uint64 sequenceNumber = ++_outboundSequence[destinationChainSelector];
        OutboundMessage memory sent = OutboundMessage({
            sender: msg.sender,
            receiver: message.receiver,
            data: message.data,
            tokenAmounts: message.tokenAmounts,
            gasLimit: gasLimit,
            feeToken: message.feeToken,
            feeAmount: message.feeToken == address(0) ? msg.value : fee
        });
        messageId = _messageId(destinationChainSelector, sequenceNumber, sent);
        emit CCIPMessageSent(destinationChainSelector, sequenceNumber, messageId, sent);
        if (message.feeToken != address(0)) {
            IERC20(message.feeToken).safeTransferFrom(msg.sender, address(this), fee);
        }
    }

    // ------------------------------------------------------------------ delivering

    /**
     * @notice Delivers an attested inbound message: checks the lane, the ordering and the
     * attestations, then calls `receiver.ccipReceive` with `message.gasLimit` gas.
     * @dev Reverts (leaving the sequence undelivered) on any check failure or when too little gas
     * was supplied. If the receiver itself reverts, the message is recorded as failed, the lane
     * moves on and {retryFailedMessage} can re-run it.
     * @param message The message as sent on the source lane.
     * @param signatures 65-byte ECDSA signatures over {hashMessage}, ordered by ascending signer address.
     * @return success Whether the receiver call succeeded.
     */
    function deliver(
        InboundMessage calldata message,
        bytes[] calldata signatures
    ) external virtual nonReentrant returns (bool success) {
        uint64 source = message.sourceChainSelector;
        Lane memory lane = _lanes[source];
        if (!lane.enabled) revert LaneNotEnabled(source);
        uint64 expected = _inboundSequence[source] + 1;
        if (message.sequenceNumber < expected) revert MessageAlreadyDelivered(source, message.sequenceNumber);
        if (message.sequenceNumber > expected) revert OutOfOrderDelivery(source, expected, message.sequenceNumber);
        if (message.tokenAmounts.length != 0) revert TokenTransfersNotSupported(message.tokenAmounts.length);
        _verifyAttestations(source, lane.threshold, hashMessage(message), signatures);

        _inboundSequence[source] = message.sequenceNumber;
        bytes memory returnData;
        (success, returnData) = _callReceiver(message);
        if (!success) _failedMessages[message.messageId] = keccak256(abi.encode(message));
        emit MessageExecuted(source, message.sequenceNumber, message.messageId, message.receiver, success, returnData);
    }

    /**
     * @notice Re-executes a delivered message whose receiver reverted, forwarding all gas.
     * @param message The failed message, exactly as delivered.
     */
    function retryFailedMessage(InboundMessage calldata message) external virtual nonReentrant {
        bytes32 id = message.messageId;
        if (_failedMessages[id] == bytes32(0) || _failedMessages[id] != keccak256(abi.encode(message))) {
            revert NotAFailedMessage(id);
        }
        delete _failedMessages[id];
        (bool ok, bytes memory ret) = message.receiver.call(
            abi.encodeCall(IAny2EVMMessageReceiver.ccipReceive, (_toAny2EVM(message)))
        );
        if (!ok) revert RetryFailed(id, ret);
        emit FailedMessageRetried(id);
        emit MessageExecuted(message.sourceChainSelector, message.sequenceNumber, id, message.receiver, true, "");
    }

    /**
     * @notice The EIP-712 digest attesters sign for `message` delivered to this router.
     * @param message The inbound message.
     * @return digest `hashTypedDataV4(MESSAGE_TYPEHASH struct)` with this chain's selector as destination.
     */
    function hashMessage(InboundMessage calldata message) public view virtual returns (bytes32 digest) {
        bytes32 structHash = keccak256(
            abi.encode(
                MESSAGE_TYPEHASH,
                message.messageId,
                message.sourceChainSelector,
                _localChainSelector,
                message.sequenceNumber,
                message.sender,
                message.receiver,
                keccak256(message.data),
                _hashTokenAmounts(message.tokenAmounts),
                message.gasLimit
            )
        );
        return _hashTypedDataV4(structHash);
    }

    // ------------------------------------------------------------------ admin

    /**
     * @notice Creates or reconfigures the lane to `remoteChainSelector`; the attester set is
     * replaced, sequence counters are kept.
     * @param remoteChainSelector The remote chain.
     * @param remoteRouter The router deployed there.
     * @param attesters Addresses whose signatures count for inbound messages.
     * @param threshold Signatures required (1..attesters.length).
     */
    function setLane(
        uint64 remoteChainSelector,
        address remoteRouter,
        address[] calldata attesters,
        uint8 threshold
    ) external virtual onlyOwner {
        if (remoteRouter == address(0)) revert ZeroAddress();
        if (threshold == 0 || threshold > attesters.length || remoteChainSelector == _localChainSelector) {
            revert InvalidLaneConfig(remoteChainSelector, threshold, attesters.length);
        }
        EnumerableSet.AddressSet storage set = _attesters[remoteChainSelector];
        address[] memory previous = set.values();
        for (uint256 i = 0; i < previous.length; ++i) set.remove(previous[i]);
        for (uint256 i = 0; i < attesters.length; ++i) {
            if (attesters[i] == address(0)) revert ZeroAddress();
            if (!set.add(attesters[i])) revert InvalidLaneConfig(remoteChainSelector, threshold, attesters.length);
        }
        _lanes[remoteChainSelector] = Lane({enabled: true, remoteRouter: remoteRouter, threshold: threshold});
        _laneSelectors.add(remoteChainSelector);
        emit LaneConfigured(remoteChainSelector, remoteRouter, attesters, threshold);
    }

    /**
     * @notice Stops sending to and delivering from `remoteChainSelector`.
     * @param remoteChainSelector The remote chain.
     */
    function disableLane(uint64 remoteChainSelector) external virtual onlyOwner {
        if (!_lanes[remoteChainSelector].enabled) revert LaneNotEnabled(remoteChainSelector);
        _lanes[remoteChainSelector].enabled = false;
        emit LaneDisabled(remoteChainSelector);
    }

    /**
     * @notice Sets the fee schedule of `feeToken` (zero: native); `config.enabled = false` disables it.
     * @param feeToken The token.
     * @param config The schedule.
     */
    function setFeeConfig(address feeToken, FeeConfig calldata config) external virtual onlyOwner {
        _feeConfigs[feeToken] = config;
        if (config.enabled) _feeTokens.add(feeToken);
        else _feeTokens.remove(feeToken);
        emit FeeConfigSet(feeToken, config);
    }

    /**
     * @notice Withdraws collected fees.
     * @param feeToken The token (zero: native).
     * @param to Recipient.
     * @param amount Amount.
     */
    function withdrawFees(address feeToken, address payable to, uint256 amount) external virtual onlyOwner {
        if (to == address(0)) revert ZeroAddress();
        emit FeesWithdrawn(feeToken, to, amount);
        if (feeToken == address(0)) Address.sendValue(to, amount);
        else IERC20(feeToken).safeTransfer(to, amount);
    }

    // ------------------------------------------------------------------ views

    /// @notice CCIP chain selector of this chain.
    /// @return selector The selector.
    function getLocalChainSelector() external view virtual returns (uint64 selector) {
        return _localChainSelector;
    }

    /// @notice Every remote chain that ever had a lane (enabled or not).
    /// @return selectors The selectors.
    function getLaneSelectors() external view virtual returns (uint64[] memory selectors) {
        uint256[] memory raw = _laneSelectors.values();
        selectors = new uint64[](raw.length);
        for (uint256 i = 0; i < raw.length; ++i) selectors[i] = uint64(raw[i]);
    }

    /// @notice Configuration of the lane to `remoteChainSelector`.
    /// @param remoteChainSelector The remote chain.
    /// @return lane Enabled flag, remote router, threshold and attesters.
    function getLane(uint64 remoteChainSelector) external view virtual returns (LaneView memory lane) {
        Lane memory l = _lanes[remoteChainSelector];
        return LaneView(l.enabled, l.remoteRouter, l.threshold, _attesters[remoteChainSelector].values());
    }

    /// @notice Sequence number the next message to `destChainSelector` will get.
    /// @param destChainSelector The destination.
    /// @return sequenceNumber The next sequence number.
    function getNextOutboundSequence(uint64 destChainSelector) external view virtual returns (uint64 sequenceNumber) {
        return _outboundSequence[destChainSelector] + 1;
    }

    /// @notice Highest sequence number delivered from `sourceChainSelector` (0: none).
    /// @param sourceChainSelector The source.
    /// @return sequenceNumber The last delivered sequence number.
    function getLastDeliveredSequence(uint64 sourceChainSelector) external view virtual returns (uint64 sequenceNumber) {
        return _inboundSequence[sourceChainSelector];
    }

    /// @notice Hash of a failed message awaiting {retryFailedMessage} (zero: none).
    /// @param messageId Message id.
    /// @return messageHash `keccak256(abi.encode(message))`.
    function getFailedMessageHash(bytes32 messageId) external view virtual returns (bytes32 messageHash) {
        return _failedMessages[messageId];
    }

    /// @notice Fee schedule of `feeToken` (zero: native).
    /// @param feeToken The token.
    /// @return config The schedule.
    function getFeeConfig(address feeToken) external view virtual returns (FeeConfig memory config) {
        return _feeConfigs[feeToken];
    }

    /// @notice Tokens currently enabled for fees (zero address: native).
    /// @return tokens The tokens.
    function getFeeTokens() external view virtual returns (address[] memory tokens) {
        return _feeTokens.values();
    }

    /// @notice EIP-712 domain separator of this router.
    /// @return separator The separator.
    function domainSeparator() external view virtual returns (bytes32 separator) {
        return _domainSeparatorV4();
    }

    // ------------------------------------------------------------------ internals

    /// @dev Validates `message` for `dest` and prices it; returns the fee and receiver gas limit.
    function _quote(
        uint64 dest,
        Client.EVM2AnyMessage memory message
    ) internal view virtual returns (uint256 fee, uint256 gasLimit) {
        if (!_lanes[dest].enabled) revert UnsupportedDestinationChain(dest);
        if (message.tokenAmounts.length != 0) revert TokenTransfersNotSupported(message.tokenAmounts.length);
        if (message.receiver.length != 32 || uint256(bytes32(message.receiver)) > type(uint160).max) {
            revert InvalidReceiver(message.receiver);
        }
        gasLimit = _gasLimitOf(message.extraArgs);
        if (gasLimit > MAX_GAS_LIMIT) revert GasLimitTooHigh(gasLimit, MAX_GAS_LIMIT);
        FeeConfig memory cfg = _feeConfigs[message.feeToken];
        if (!cfg.enabled) revert UnsupportedFeeToken(message.feeToken);
        fee = cfg.baseFee + cfg.feePerByte * message.data.length + cfg.feePerGas * gasLimit;
    }

    /// @dev Reads the gas limit from Chainlink EVMExtraArgsV1 / GenericExtraArgsV2; empty means the default.
    /// The V2 out-of-order flag is accepted and ignored: delivery here is always in order.
    function _gasLimitOf(bytes memory extraArgs) internal pure virtual returns (uint256 gasLimit) {
        if (extraArgs.length == 0) return DEFAULT_GAS_LIMIT;
        bytes4 tag = bytes4(extraArgs);
        if (extraArgs.length < 36 || (tag != Client.EVM_EXTRA_ARGS_V1_TAG && tag != Client.GENERIC_EXTRA_ARGS_V2_TAG)) {
            revert InvalidExtraArgs(extraArgs);
        }
        assembly ("memory-safe") {
            gasLimit := mload(add(extraArgs, 36))
        }
    }

    /// @dev Requires `threshold` signatures from distinct lane attesters, in ascending signer order.
    function _verifyAttestations(
        uint64 source,
        uint256 threshold,
        bytes32 digest,
        bytes[] calldata signatures
    ) internal view virtual {
        if (signatures.length < threshold) revert InsufficientAttestations(threshold, signatures.length);
        EnumerableSet.AddressSet storage attesters = _attesters[source];
        address previous = address(0);
        for (uint256 i = 0; i < signatures.length; ++i) {
            address signer = ECDSA.recover(digest, signatures[i]);
            if (signer <= previous) revert AttestersNotAscending(signer, previous);
            if (!attesters.contains(signer)) revert UnknownAttester(source, signer);
            previous = signer;
        }
    }

    /// @dev Calls the receiver with exactly `gasLimit` gas and caps the copied revert data.
    /// Accounts without code are treated as delivered (there are no tokens to hand over).
    function _callReceiver(InboundMessage calldata message) internal virtual returns (bool success, bytes memory ret) {
        address receiver = message.receiver;
        if (receiver.code.length == 0) return (true, ret);
        bytes memory payload = abi.encodeCall(IAny2EVMMessageReceiver.ccipReceive, (_toAny2EVM(message)));
        uint256 gasLimit = message.gasLimit;
        // EIP-150 forwards at most 63/64 of the remaining gas: make sure the full limit reaches the receiver.
        uint256 required = gasLimit + gasLimit / 63 + GAS_FOR_CALL_EXACT_CHECK;
        if (gasleft() < required) revert InsufficientGasForReceiver(required, gasleft());
        uint256 maxRet = MAX_RET_BYTES;
        assembly ("memory-safe") {
            success := call(gasLimit, receiver, 0, add(payload, 0x20), mload(payload), 0, 0)
            let size := returndatasize()
            if gt(size, maxRet) {
                size := maxRet
            }
            ret := mload(0x40)
            mstore(ret, size)
            returndatacopy(add(ret, 0x20), 0, size)
            mstore(0x40, and(add(add(ret, 0x3f), size), not(0x1f)))
        }
    }

    /// @dev The receiver-facing view of an inbound message.
    function _toAny2EVM(InboundMessage calldata message) internal pure virtual returns (Client.Any2EVMMessage memory) {
        return
            Client.Any2EVMMessage({
                messageId: message.messageId,
                sourceChainSelector: message.sourceChainSelector,
                sender: abi.encode(message.sender),
                data: message.data,
                destTokenAmounts: message.tokenAmounts
            });
    }

    /// @dev Unique id: this router and chain, the lane, its sequence number and the message content.
    function _messageId(
        uint64 dest,
        uint64 sequenceNumber,
        OutboundMessage memory sent
    ) internal view virtual returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    block.chainid,
                    address(this),
                    _localChainSelector,
                    dest,
                    sequenceNumber,
                    sent.sender,
                    keccak256(sent.receiver),
                    keccak256(sent.data)
                )
            );
    }

    /// @dev EIP-712 hash of a `TokenAmount[]`.
    function _hashTokenAmounts(Client.EVMTokenAmount[] calldata amounts) internal pure virtual returns (bytes32) {
        bytes32[] memory hashes = new bytes32[](amounts.length);
        for (uint256 i = 0; i < amounts.length; ++i) {
            hashes[i] = keccak256(abi.encode(TOKEN_AMOUNT_TYPEHASH, amounts[i].token, amounts[i].amount));
        }
        return keccak256(abi.encodePacked(hashes));
    }
}
