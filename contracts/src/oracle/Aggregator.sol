// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {AggregatorV3Interface} from "./interfaces/AggregatorV3Interface.sol";
import {AggregatorInterface} from "./interfaces/AggregatorInterface.sol";
import {AggregatorV2V3Interface} from "./interfaces/AggregatorV2V3Interface.sol";

/**
 * @title Aggregator
 * @notice A Chainlink `AggregatorV2V3Interface`-compatible feed whose rounds are written by
 * owner-authorised transmitters, so it can stand behind {AggregatorProxy} (or Chainlink's own
 * AggregatorProxy, which calls the legacy reads on its aggregator).
 *
 * Rounds: ids start at 1 and increase by one per accepted update; `answeredInRound == roundId`
 * and `startedAt == updatedAt == block.timestamp` of the update.
 *
 * Update rule: after the first round, a new answer is accepted only if the heartbeat elapsed
 * since the latest round (`block.timestamp >= updatedAt + heartbeat`) or the answer deviates from
 * the latest by more than the threshold (`|new - old| * 1e8 > |old| * deviationThreshold`, threshold
 * in parts per 1e8, e.g. 5e5 = 0.5%; a deviation equal to the threshold is not enough). Anything else reverts with {UpdateNotNeeded}.
 *
 * Unknown rounds: {getRoundData} and {latestRoundData} revert with {NoDataPresent} for a round
 * that does not exist, as Chainlink's FluxAggregator does ("No data present"), rather than
 * returning zeroes like the OCR aggregators; consumers cannot mistake a zero for a price.
 * The legacy reads ({latestAnswer}, {latestTimestamp}, {latestRound}, {getAnswer},
 * {getTimestamp}) keep Chainlink's semantics instead: they never revert and read 0 for no round
 * or an unknown one, as FluxAggregator's do (smartcontractkit/chainlink
 * `contracts/src/v0.6/FluxAggregator.sol`); an id above `type(uint80).max` is unknown rather than
 * truncated onto a real round (FluxAggregator's `validRoundId` does the same for its uint32 ids).
 */
contract Aggregator is AggregatorV2V3Interface, Ownable2Step {
    /// @notice Denominator of {deviationThreshold}.
    uint256 public constant DEVIATION_DENOMINATOR = 1e8;

    /// @dev One stored round (`answeredInRound` is always the round itself).
    struct Round {
        int256 answer;
        uint64 startedAt;
        uint64 updatedAt;
    }

    uint8 private immutable _decimals;
    string private _description;
    uint80 private _latestRoundId;
    uint32 private _heartbeat;
    uint32 private _deviationThreshold;
    mapping(uint80 roundId => Round) private _rounds;
    mapping(address transmitter => bool) private _transmitters;

    /// @notice A transmitter was authorised or deauthorised.
    /// @param transmitter The account.
    /// @param allowed Its new status.
    event TransmitterSet(address indexed transmitter, bool allowed);
    /// @notice The update rules changed.
    /// @param heartbeat Seconds after which any update is accepted.
    /// @param deviationThreshold Deviation (parts per 1e8) above which any update is accepted.
    event UpdateRulesSet(uint32 heartbeat, uint32 deviationThreshold);

    /// @notice The caller is not an authorised transmitter.
    /// @param caller The caller.
    error NotTransmitter(address caller);
    /// @notice Round `roundId` does not exist.
    /// @param roundId The round.
    error NoDataPresent(uint80 roundId);
    /// @notice Neither the heartbeat elapsed nor the deviation threshold was exceeded.
    /// @param elapsed Seconds since the latest round.
    /// @param heartbeat Heartbeat.
    /// @param deviation Deviation of the new answer (parts per 1e8).
    /// @param threshold Deviation threshold.
    error UpdateNotNeeded(uint256 elapsed, uint256 heartbeat, uint256 deviation, uint256 threshold);

    /**
     * @param initialOwner Owner (constructor argument so CREATE2 factories work).
     * @param decimals_ Answer decimals.
     * @param description_ Feed description.
     * @param heartbeat_ Seconds after which an update is always accepted.
     * @param deviationThreshold_ Deviation in parts per 1e8 above which an update is always accepted.
     */
    constructor(
        address initialOwner,
        uint8 decimals_,
        string memory description_,
        uint32 heartbeat_,
        uint32 deviationThreshold_
    ) Ownable(initialOwner) {
        _decimals = decimals_;
        _description = description_;
        _setUpdateRules(heartbeat_, deviationThreshold_);
    }

    /**
     * @notice Records a new round if the heartbeat elapsed or the deviation threshold is exceeded.
     * @param answer The new answer.
     * @return roundId The new round id.
     */
    function transmit(int256 answer) external virtual returns (uint80 roundId) {
        if (!_transmitters[msg.sender]) revert NotTransmitter(msg.sender);
        _checkUpdateNeeded(answer);
        return _recordRound(answer, block.timestamp, block.timestamp);
    }

    /// @notice Authorises or deauthorises a transmitter.
    /// @param transmitter The account.
    /// @param allowed New status.
    function setTransmitter(address transmitter, bool allowed) external virtual onlyOwner {
        _transmitters[transmitter] = allowed;
        emit TransmitterSet(transmitter, allowed);
    }

    /// @notice Changes the update rules.
    /// @param heartbeat_ Heartbeat in seconds.
    /// @param deviationThreshold_ Deviation threshold in parts per 1e8.
    function setUpdateRules(uint32 heartbeat_, uint32 deviationThreshold_) external virtual onlyOwner {
        _setUpdateRules(heartbeat_, deviationThreshold_);
    }

    /// @inheritdoc AggregatorV3Interface
    function decimals() external view virtual returns (uint8) {
        return _decimals;
    }

    /// @inheritdoc AggregatorV3Interface
    function description() external view virtual returns (string memory) {
        return _description;
    }

    /// @inheritdoc AggregatorV3Interface
    function version() external pure virtual returns (uint256) {
        return 4;
    }

    /// @inheritdoc AggregatorV3Interface
    function getRoundData(
        uint80 roundId_
    ) public view virtual returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound) {
        Round memory r = _rounds[roundId_];
        if (r.updatedAt == 0) revert NoDataPresent(roundId_);
        return (roundId_, r.answer, r.startedAt, r.updatedAt, roundId_);
    }

    /// @inheritdoc AggregatorV3Interface
    function latestRoundData()
        external
        view
        virtual
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        return getRoundData(_latestRoundId);
    }

    /// @inheritdoc AggregatorInterface
    function latestAnswer() external view virtual returns (int256) {
        return _rounds[_latestRoundId].answer;
    }

    /// @inheritdoc AggregatorInterface
    function latestTimestamp() external view virtual returns (uint256) {
        return _rounds[_latestRoundId].updatedAt;
    }

    /// @inheritdoc AggregatorInterface
    function latestRound() external view virtual returns (uint256) {
        return _latestRoundId;
    }

    /// @inheritdoc AggregatorInterface
    function getAnswer(uint256 roundId) external view virtual returns (int256) {
        if (roundId > type(uint80).max) return 0;
        return _rounds[uint80(roundId)].answer;
    }

    /// @inheritdoc AggregatorInterface
    function getTimestamp(uint256 roundId) external view virtual returns (uint256) {
        if (roundId > type(uint80).max) return 0;
        return _rounds[uint80(roundId)].updatedAt;
    }

    /// @notice Whether `account` may transmit.
    /// @param account The account.
    /// @return allowed Its status.
    function isTransmitter(address account) external view virtual returns (bool allowed) {
        return _transmitters[account];
    }

    /// @notice Seconds after which any update is accepted.
    /// @return seconds_ The heartbeat.
    function heartbeat() external view virtual returns (uint32 seconds_) {
        return _heartbeat;
    }

    /// @notice Deviation (parts per 1e8) above which any update is accepted.
    /// @return threshold The threshold.
    function deviationThreshold() external view virtual returns (uint32 threshold) {
        return _deviationThreshold;
    }

    /// @dev Reverts with {UpdateNotNeeded} unless the heartbeat elapsed or the deviation is above the threshold.
    function _checkUpdateNeeded(int256 answer) internal view virtual {
        uint80 latest = _latestRoundId;
        if (latest == 0) return;
        Round memory last = _rounds[latest];
        uint256 elapsed = block.timestamp - last.updatedAt;
        if (elapsed >= _heartbeat) return;
        uint256 deviation = _deviation(last.answer, answer);
        if (deviation > _deviationThreshold) return;
        revert UpdateNotNeeded(elapsed, _heartbeat, deviation, _deviationThreshold);
    }

    /// @dev Deviation of `next` from `previous` in parts per 1e8, rounded up so that comparing it
    /// with an integer threshold is exact (max when `previous` is zero).
    function _deviation(int256 previous, int256 next) internal pure virtual returns (uint256) {
        uint256 diff = SignedMath.abs(next - previous);
        if (diff == 0) return 0;
        uint256 base = SignedMath.abs(previous);
        if (base == 0) return type(uint256).max;
        return Math.mulDiv(diff, DEVIATION_DENOMINATOR, base, Math.Rounding.Ceil);
    }

    /// @dev Appends a round and emits Chainlink's events. Extension point for {OracleWithCCIP}.
    function _recordRound(int256 answer, uint256 startedAt, uint256 updatedAt) internal virtual returns (uint80 roundId) {
        roundId = _latestRoundId + 1;
        _latestRoundId = roundId;
        _rounds[roundId] = Round(answer, uint64(startedAt), uint64(updatedAt));
        emit NewRound(roundId, msg.sender, startedAt);
        emit AnswerUpdated(answer, roundId, updatedAt);
    }

    /// @dev Stores and announces the update rules.
    function _setUpdateRules(uint32 heartbeat_, uint32 deviationThreshold_) internal virtual {
        _heartbeat = heartbeat_;
        _deviationThreshold = deviationThreshold_;
        emit UpdateRulesSet(heartbeat_, deviationThreshold_);
    }

    /// @dev Timestamp of the latest round (0: none).
    function _latestUpdatedAt() internal view virtual returns (uint256) {
        return _rounds[_latestRoundId].updatedAt;
    }
}
