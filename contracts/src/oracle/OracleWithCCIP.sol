// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {Client} from "@chainlink/contracts-ccip/contracts/libraries/Client.sol";
import {IRouterClient} from "@chainlink/contracts-ccip/contracts/interfaces/IRouterClient.sol";
import {CCIPReceiver} from "@chainlink/contracts-ccip/contracts/applications/CCIPReceiver.sol";
import {Aggregator} from "./Aggregator.sol";

/**
 * @title OracleWithCCIP
 * @notice An {Aggregator} that mirrors its rounds across chains over CCIP.
 *
 * Sending: every round written by a local transmitter is sent as
 * `abi.encode(roundId, answer, startedAt, updatedAt)` to the oracle registered for each
 * destination chain, paying the native router fee from this contract's balance. A failing quote
 * or send, or a balance below the fee, skips that destination with {RoundBroadcastSkipped}
 * instead of blocking the local feed.
 *
 * Receiving: rounds arriving from the allowlisted oracle of a source chain are appended as local
 * rounds with their original timestamps (heartbeat and deviation rules were applied at the source)
 * and are not re-broadcast. A round not newer than the latest local one is ignored with
 * {StaleRoundIgnored}; each message id is processed once.
 */
contract OracleWithCCIP is Aggregator, CCIPReceiver {
    using EnumerableSet for EnumerableSet.UintSet;

    /// @notice Receiver gas limit requested for each broadcast.
    uint256 public constant DEST_GAS_LIMIT = 200_000;

    EnumerableSet.UintSet private _destinations;
    mapping(uint64 chainSelector => address oracle) private _destOracles;
    mapping(uint64 chainSelector => address oracle) private _sources;
    mapping(bytes32 messageId => bool) private _processed;

    /// @notice The oracle for `chainSelector` was registered (zero: removed).
    /// @param chainSelector Destination chain.
    /// @param oracle Oracle there.
    event DestinationSet(uint64 indexed chainSelector, address oracle);
    /// @notice The allowlisted source oracle for `chainSelector` changed (zero: removed).
    /// @param chainSelector Source chain.
    /// @param oracle Oracle there.
    event SourceSet(uint64 indexed chainSelector, address oracle);
    /// @notice A round was sent to a destination.
    /// @param chainSelector Destination chain.
    /// @param roundId Local round id.
    /// @param messageId CCIP message id.
    /// @param fee Fee paid.
    event RoundBroadcast(uint64 indexed chainSelector, uint80 indexed roundId, bytes32 messageId, uint256 fee);
    /// @notice A round was not sent to a destination.
    /// @param chainSelector Destination chain.
    /// @param roundId Local round id.
    /// @param fee Quoted fee (0 if the quote failed).
    /// @param balance Balance available for fees.
    event RoundBroadcastSkipped(uint64 indexed chainSelector, uint80 indexed roundId, uint256 fee, uint256 balance);
    /// @notice A round received over CCIP was recorded.
    /// @param chainSelector Source chain.
    /// @param remoteRoundId Round id at the source.
    /// @param localRoundId Round id here.
    event RoundReceived(uint64 indexed chainSelector, uint80 remoteRoundId, uint80 localRoundId);
    /// @notice A received round was older than the latest round and ignored.
    /// @param chainSelector Source chain.
    /// @param remoteRoundId Round id at the source.
    /// @param updatedAt Its timestamp.
    event StaleRoundIgnored(uint64 indexed chainSelector, uint80 remoteRoundId, uint256 updatedAt);

    /// @notice The message did not come from the allowlisted source oracle.
    /// @param chainSelector Source chain.
    /// @param sender Encoded sender.
    error SourceNotAllowlisted(uint64 chainSelector, bytes sender);
    /// @notice The message id was already processed.
    /// @param messageId Message id.
    error MessageAlreadyProcessed(bytes32 messageId);

    /**
     * @param router CCIP router.
     * @param initialOwner Owner.
     * @param decimals_ Answer decimals.
     * @param description_ Feed description.
     * @param heartbeat_ Heartbeat in seconds.
     * @param deviationThreshold_ Deviation threshold in parts per 1e8.
     */
    constructor(
        address router,
        address initialOwner,
        uint8 decimals_,
        string memory description_,
        uint32 heartbeat_,
        uint32 deviationThreshold_
    ) Aggregator(initialOwner, decimals_, description_, heartbeat_, deviationThreshold_) CCIPReceiver(router) {}

    /// @notice Accepts ether for CCIP fees.
    receive() external payable virtual {}

    /**
     * @notice Registers the oracle rounds are sent to on `chainSelector` (zero removes it).
     * @param chainSelector Destination chain.
     * @param oracle Oracle there.
     */
    function setDestination(uint64 chainSelector, address oracle) external virtual onlyOwner {
        _destOracles[chainSelector] = oracle;
        if (oracle == address(0)) _destinations.remove(chainSelector);
        else _destinations.add(chainSelector);
        emit DestinationSet(chainSelector, oracle);
    }

    /**
     * @notice Allowlists the oracle rounds are accepted from on `chainSelector` (zero removes it).
     * @param chainSelector Source chain.
     * @param oracle Oracle there.
     */
    function setSource(uint64 chainSelector, address oracle) external virtual onlyOwner {
        _sources[chainSelector] = oracle;
        emit SourceSet(chainSelector, oracle);
    }

    /**
     * @notice Withdraws ether held for fees.
     * @param to Recipient.
     * @param amount Amount.
     */
    function withdrawNative(address payable to, uint256 amount) external virtual onlyOwner {
        Address.sendValue(to, amount);
    }

    /// @notice Destination chains rounds are sent to.
    /// @return selectors Chain selectors.
    function getDestinations() external view virtual returns (uint64[] memory selectors) {
        uint256[] memory raw = _destinations.values();
        selectors = new uint64[](raw.length);
        for (uint256 i = 0; i < raw.length; ++i) selectors[i] = uint64(raw[i]);
    }

    /// @notice The oracle registered for `chainSelector`.
    /// @param chainSelector Destination chain.
    /// @return oracle Its address (zero: none).
    function getDestinationOracle(uint64 chainSelector) external view virtual returns (address oracle) {
        return _destOracles[chainSelector];
    }

    /// @notice The allowlisted source oracle on `chainSelector`.
    /// @param chainSelector Source chain.
    /// @return oracle Its address (zero: none).
    function getSource(uint64 chainSelector) external view virtual returns (address oracle) {
        return _sources[chainSelector];
    }

    /// @dev Records a local round, then sends it to every destination.
    function _recordRound(
        int256 answer,
        uint256 startedAt,
        uint256 updatedAt
    ) internal virtual override returns (uint80 roundId) {
        roundId = super._recordRound(answer, startedAt, updatedAt);
        bytes memory data = abi.encode(roundId, answer, startedAt, updatedAt);
        uint256 count = _destinations.length();
        for (uint256 i = 0; i < count; ++i) {
            _broadcast(uint64(_destinations.at(i)), roundId, data);
        }
    }

    /// @dev Sends one round to one destination, skipping it on any failure.
    function _broadcast(uint64 chainSelector, uint80 roundId, bytes memory data) internal virtual {
        Client.EVM2AnyMessage memory message = Client.EVM2AnyMessage({
            receiver: abi.encode(_destOracles[chainSelector]),
            data: data,
            tokenAmounts: new Client.EVMTokenAmount[](0),
            feeToken: address(0),
            extraArgs: Client._argsToBytes(
                Client.GenericExtraArgsV2({gasLimit: DEST_GAS_LIMIT, allowOutOfOrderExecution: true})
            )
        });
        IRouterClient router = IRouterClient(getRouter());
        uint256 fee = 0;
        try router.getFee(chainSelector, message) returns (uint256 quoted) {
            fee = quoted;
        } catch {
            emit RoundBroadcastSkipped(chainSelector, roundId, 0, address(this).balance);
            return;
        }
        if (address(this).balance < fee) {
            emit RoundBroadcastSkipped(chainSelector, roundId, fee, address(this).balance);
            return;
        }
        try router.ccipSend{value: fee}(chainSelector, message) returns (bytes32 messageId) {
            emit RoundBroadcast(chainSelector, roundId, messageId, fee);
        } catch {
            emit RoundBroadcastSkipped(chainSelector, roundId, fee, address(this).balance);
        }
    }

    /// @dev Records a round received from the allowlisted source oracle, without re-broadcasting it.
    function _ccipReceive(Client.Any2EVMMessage memory message) internal virtual override {
        address source = _sources[message.sourceChainSelector];
        if (source == address(0) || keccak256(message.sender) != keccak256(abi.encode(source))) {
            revert SourceNotAllowlisted(message.sourceChainSelector, message.sender);
        }
        if (_processed[message.messageId]) revert MessageAlreadyProcessed(message.messageId);
        _processed[message.messageId] = true;
        (uint80 remoteRoundId, int256 answer, uint256 startedAt, uint256 updatedAt) = abi.decode(
            message.data,
            (uint80, int256, uint256, uint256)
        );
        if (updatedAt <= _latestUpdatedAt()) {
            emit StaleRoundIgnored(message.sourceChainSelector, remoteRoundId, updatedAt);
            return;
        }
        uint80 localRoundId = Aggregator._recordRound(answer, startedAt, updatedAt);
        emit RoundReceived(message.sourceChainSelector, remoteRoundId, localRoundId);
    }
}
