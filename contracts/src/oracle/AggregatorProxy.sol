// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {AggregatorInterface} from "./interfaces/AggregatorInterface.sol";
import {AggregatorV3Interface} from "./interfaces/AggregatorV3Interface.sol";
import {AggregatorV2V3Interface} from "./interfaces/AggregatorV2V3Interface.sol";

/**
 * @title AggregatorProxy
 * @notice Stable feed address in front of replaceable aggregators, serving Chainlink's whole
 * `AggregatorV2V3Interface` with the semantics and events of Chainlink's AggregatorProxy
 * (smartcontractkit/chainlink `contracts/src/v0.6/AggregatorProxy.sol` and
 * `contracts/src/v0.7/dev/AggregatorProxy.sol`), so consumers and event watchers written for a
 * Chainlink feed work unchanged.
 *
 * Phases: every aggregator is a phase (1, 2, ...) and proxy round ids are
 * `(uint80(phaseId) << 64) | aggregatorRoundId`, so ids keep increasing across switches and
 * {getRoundData}, {getAnswer} and {getTimestamp} route an old id to the aggregator of its phase.
 *
 * Legacy reads: {latestAnswer} and {latestTimestamp} are the current aggregator's; {latestRound}
 * is the current aggregator's latest round with the current phase added; {getAnswer} and
 * {getTimestamp} return 0 (never revert) for an id above `2**80 - 1` or of a phase that has no
 * aggregator, as Chainlink's do. {getRoundData} of an unknown phase reverts with {UnknownPhase}
 * (Chainlink's reverts too, by calling the zero address).
 *
 * Switching is two-step: the owner proposes an aggregator (consumers can inspect it via
 * {proposedLatestRoundData} and {proposedGetRoundData}) and then confirms it. The events are
 * Chainlink's, signature for signature: `AggregatorProposed(address,address)` and
 * `AggregatorConfirmed(address,address)`. The new phase id is not in the event (that would change
 * its topic, and watchers of Chainlink's event would miss the switch): read it with {phaseId}.
 *
 * Aggregators must implement `AggregatorV2V3Interface` (as {Aggregator} does), like behind
 * Chainlink's proxy.
 */
contract AggregatorProxy is AggregatorV2V3Interface, Ownable2Step {
    /// @dev Bits of a proxy round id below the phase id.
    uint256 private constant _PHASE_OFFSET = 64;
    /// @dev Largest proxy round id: a 16-bit phase above a 64-bit aggregator round.
    uint256 private constant _MAX_ID = (1 << (_PHASE_OFFSET + 16)) - 1;

    uint16 private _phaseId;
    AggregatorV2V3Interface private _proposed;
    mapping(uint16 phaseId => AggregatorV2V3Interface) private _phases;

    /// @notice An aggregator was proposed (Chainlink's event signature).
    /// @param current Current aggregator.
    /// @param proposed Proposed aggregator.
    event AggregatorProposed(address indexed current, address indexed proposed);
    /// @notice A proposed aggregator became the current one (Chainlink's event signature,
    /// `AggregatorConfirmed(address,address)`; the new phase is {phaseId}).
    /// @param previous Previous aggregator.
    /// @param latest New aggregator.
    event AggregatorConfirmed(address indexed previous, address indexed latest);

    /// @notice `aggregator` is not the proposed aggregator.
    /// @param aggregator Given address.
    /// @param proposed The proposed one.
    error InvalidProposedAggregator(address aggregator, address proposed);
    /// @notice No aggregator is proposed.
    error NoProposedAggregator();
    /// @notice The round id belongs to no known phase.
    /// @param roundId Proxy round id.
    /// @param phaseId Its phase.
    error UnknownPhase(uint80 roundId, uint16 phaseId);
    /// @notice An address argument is zero.
    error ZeroAddress();

    /// @dev Reverts with {NoProposedAggregator} unless an aggregator is proposed.
    modifier hasProposal() {
        if (address(_proposed) == address(0)) revert NoProposedAggregator();
        _;
    }

    /**
     * @param initialOwner Owner (constructor argument so CREATE2 factories work).
     * @param aggregator_ Aggregator of phase 1 (an `AggregatorV2V3Interface`).
     */
    constructor(address initialOwner, address aggregator_) Ownable(initialOwner) {
        _setAggregator(aggregator_);
    }

    /// @notice Proposes `aggregator_` as the next phase.
    /// @param aggregator_ The aggregator.
    function proposeAggregator(address aggregator_) external virtual onlyOwner {
        if (aggregator_ == address(0)) revert ZeroAddress();
        _proposed = AggregatorV2V3Interface(aggregator_);
        emit AggregatorProposed(address(_current()), aggregator_);
    }

    /// @notice Makes the proposed aggregator current, starting a new phase.
    /// @param aggregator_ Must equal the proposed aggregator.
    function confirmAggregator(address aggregator_) external virtual onlyOwner hasProposal {
        if (aggregator_ != address(_proposed)) revert InvalidProposedAggregator(aggregator_, address(_proposed));
        address previous = address(_current());
        delete _proposed;
        _setAggregator(aggregator_);
        emit AggregatorConfirmed(previous, aggregator_);
    }

    /// @inheritdoc AggregatorV3Interface
    function decimals() external view virtual returns (uint8) {
        return _current().decimals();
    }

    /// @inheritdoc AggregatorV3Interface
    function description() external view virtual returns (string memory) {
        return _current().description();
    }

    /// @inheritdoc AggregatorV3Interface
    function version() external view virtual returns (uint256) {
        return _current().version();
    }

    /// @notice Answer of the current aggregator's latest round (0 when it has none).
    /// @inheritdoc AggregatorInterface
    function latestAnswer() external view virtual returns (int256) {
        return _current().latestAnswer();
    }

    /// @notice When the current aggregator's latest round was recorded (0 when it has none).
    /// @inheritdoc AggregatorInterface
    function latestTimestamp() external view virtual returns (uint256) {
        return _current().latestTimestamp();
    }

    /// @notice The current aggregator's latest round id with the current phase added (the bare
    /// phase, `phaseId << 64`, when it has no round yet).
    /// @inheritdoc AggregatorInterface
    function latestRound() external view virtual returns (uint256) {
        uint16 phase = _phaseId;
        return _addPhase(phase, uint64(_phases[phase].latestRound()));
    }

    /// @notice Answer of proxy round `roundId`, from the aggregator of its phase (0 for an id
    /// above `2**80 - 1`, of a phase without aggregator, or unknown to that aggregator).
    /// @inheritdoc AggregatorInterface
    function getAnswer(uint256 roundId) external view virtual returns (int256) {
        (AggregatorV2V3Interface agg, uint64 aggregatorRoundId) = _route(roundId);
        if (address(agg) == address(0)) return 0;
        return agg.getAnswer(aggregatorRoundId);
    }

    /// @notice When proxy round `roundId` was recorded, from the aggregator of its phase (0 for an
    /// id above `2**80 - 1`, of a phase without aggregator, or unknown to that aggregator).
    /// @inheritdoc AggregatorInterface
    function getTimestamp(uint256 roundId) external view virtual returns (uint256) {
        (AggregatorV2V3Interface agg, uint64 aggregatorRoundId) = _route(roundId);
        if (address(agg) == address(0)) return 0;
        return agg.getTimestamp(aggregatorRoundId);
    }

    /// @inheritdoc AggregatorV3Interface
    function getRoundData(
        uint80 roundId_
    ) external view virtual returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound) {
        uint16 phase = uint16(roundId_ >> _PHASE_OFFSET);
        AggregatorV2V3Interface agg = _phases[phase];
        if (address(agg) == address(0)) revert UnknownPhase(roundId_, phase);
        (roundId, answer, startedAt, updatedAt, answeredInRound) = agg.getRoundData(uint64(roundId_));
        return (_addPhase(phase, roundId), answer, startedAt, updatedAt, _addPhase(phase, answeredInRound));
    }

    /// @inheritdoc AggregatorV3Interface
    function latestRoundData()
        external
        view
        virtual
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        uint16 phase = _phaseId;
        (roundId, answer, startedAt, updatedAt, answeredInRound) = _phases[phase].latestRoundData();
        return (_addPhase(phase, roundId), answer, startedAt, updatedAt, _addPhase(phase, answeredInRound));
    }

    /**
     * @notice Round `roundId_` of the proposed aggregator (its own ids, no phase), for checks
     * before confirming.
     * @param roundId_ Round id at the proposed aggregator.
     * @return roundId Round id.
     * @return answer Answer.
     * @return startedAt Start time.
     * @return updatedAt Update time.
     * @return answeredInRound Answered-in round.
     */
    function proposedGetRoundData(
        uint80 roundId_
    )
        external
        view
        virtual
        hasProposal
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        return _proposed.getRoundData(roundId_);
    }

    /**
     * @notice Latest round of the proposed aggregator (its own ids, no phase), for checks before
     * confirming.
     * @return roundId Round id.
     * @return answer Answer.
     * @return startedAt Start time.
     * @return updatedAt Update time.
     * @return answeredInRound Answered-in round.
     */
    function proposedLatestRoundData()
        external
        view
        virtual
        hasProposal
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        return _proposed.latestRoundData();
    }

    /// @notice The current aggregator.
    /// @return aggregator_ Its address.
    function aggregator() external view virtual returns (address aggregator_) {
        return address(_current());
    }

    /// @notice The proposed aggregator (zero: none).
    /// @return proposed Its address.
    function proposedAggregator() external view virtual returns (address proposed) {
        return address(_proposed);
    }

    /// @notice The current phase (1 for the constructor's aggregator, +1 per confirmation); the
    /// way to learn a switch's phase, since {AggregatorConfirmed} keeps Chainlink's signature.
    /// @return phase Phase id.
    function phaseId() external view virtual returns (uint16 phase) {
        return _phaseId;
    }

    /// @notice The aggregator of `phase` (zero: unknown).
    /// @param phase Phase id.
    /// @return aggregator_ Its address.
    function phaseAggregators(uint16 phase) external view virtual returns (address aggregator_) {
        return address(_phases[phase]);
    }

    /// @dev The aggregator of the current phase.
    function _current() internal view virtual returns (AggregatorV2V3Interface) {
        return _phases[_phaseId];
    }

    /// @dev Starts a new phase with `aggregator_`.
    function _setAggregator(address aggregator_) internal virtual {
        if (aggregator_ == address(0)) revert ZeroAddress();
        uint16 next = _phaseId + 1;
        _phaseId = next;
        _phases[next] = AggregatorV2V3Interface(aggregator_);
    }

    /// @dev The aggregator and its own round id for proxy round `roundId` (zero aggregator: the id
    /// is above {_MAX_ID} or its phase has none).
    function _route(uint256 roundId) internal view virtual returns (AggregatorV2V3Interface agg, uint64 aggregatorRoundId) {
        if (roundId > _MAX_ID) return (AggregatorV2V3Interface(address(0)), 0);
        return (_phases[uint16(roundId >> _PHASE_OFFSET)], uint64(roundId));
    }

    /// @dev Combines a phase and an aggregator round id into a proxy round id.
    function _addPhase(uint16 phase, uint256 roundId) internal pure virtual returns (uint80) {
        return uint80((uint256(phase) << _PHASE_OFFSET) | uint64(roundId));
    }
}
