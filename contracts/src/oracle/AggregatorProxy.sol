// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {AggregatorV3Interface} from "./interfaces/AggregatorV3Interface.sol";

/**
 * @title AggregatorProxy
 * @notice Stable feed address in front of replaceable aggregators, with Chainlink's phase
 * scheme: every aggregator is a phase (1, 2, ...) and proxy round ids are
 * `(uint80(phaseId) << 64) | aggregatorRoundId`, so ids keep increasing across switches and
 * {getRoundData} routes an old id to the aggregator of its phase.
 * Switching is two-step: the owner proposes an aggregator (consumers can inspect it via
 * {proposedLatestRoundData}) and then confirms it.
 */
contract AggregatorProxy is AggregatorV3Interface, Ownable2Step {
    uint256 private constant _PHASE_OFFSET = 64;

    uint16 private _phaseId;
    AggregatorV3Interface private _proposed;
    mapping(uint16 phaseId => AggregatorV3Interface) private _phases;

    /// @notice An aggregator was proposed.
    /// @param current Current aggregator.
    /// @param proposed Proposed aggregator.
    event AggregatorProposed(address indexed current, address indexed proposed);
    /// @notice A proposed aggregator became the current one.
    /// @param previous Previous aggregator.
    /// @param latest New aggregator.
    /// @param phaseId Its phase.
    event AggregatorConfirmed(address indexed previous, address indexed latest, uint16 phaseId);

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

    /**
     * @param initialOwner Owner (constructor argument so CREATE2 factories work).
     * @param aggregator_ Aggregator of phase 1.
     */
    constructor(address initialOwner, address aggregator_) Ownable(initialOwner) {
        _setAggregator(aggregator_);
    }

    /// @notice Proposes `aggregator_` as the next phase.
    /// @param aggregator_ The aggregator.
    function proposeAggregator(address aggregator_) external virtual onlyOwner {
        if (aggregator_ == address(0)) revert ZeroAddress();
        _proposed = AggregatorV3Interface(aggregator_);
        emit AggregatorProposed(address(_phases[_phaseId]), aggregator_);
    }

    /// @notice Makes the proposed aggregator current, starting a new phase.
    /// @param aggregator_ Must equal the proposed aggregator.
    function confirmAggregator(address aggregator_) external virtual onlyOwner {
        if (address(_proposed) == address(0)) revert NoProposedAggregator();
        if (aggregator_ != address(_proposed)) revert InvalidProposedAggregator(aggregator_, address(_proposed));
        address previous = address(_phases[_phaseId]);
        delete _proposed;
        _setAggregator(aggregator_);
        emit AggregatorConfirmed(previous, aggregator_, _phaseId);
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

    /// @inheritdoc AggregatorV3Interface
    function getRoundData(
        uint80 roundId_
    ) external view virtual returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound) {
        uint16 phase = uint16(roundId_ >> _PHASE_OFFSET);
        AggregatorV3Interface agg = _phases[phase];
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
     * @notice Latest round of the proposed aggregator (unphased ids), for checks before confirming.
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
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        if (address(_proposed) == address(0)) revert NoProposedAggregator();
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

    /// @notice The current phase.
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
    function _current() internal view virtual returns (AggregatorV3Interface) {
        return _phases[_phaseId];
    }

    /// @dev Starts a new phase with `aggregator_`.
    function _setAggregator(address aggregator_) internal virtual {
        if (aggregator_ == address(0)) revert ZeroAddress();
        uint16 next = _phaseId + 1;
        _phaseId = next;
        _phases[next] = AggregatorV3Interface(aggregator_);
    }

    /// @dev Combines a phase and an aggregator round id into a proxy round id.
    function _addPhase(uint16 phase, uint80 roundId) internal pure virtual returns (uint80) {
        return uint80((uint256(phase) << _PHASE_OFFSET) | uint64(roundId));
    }
}
