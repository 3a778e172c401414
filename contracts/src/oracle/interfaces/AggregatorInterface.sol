// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/**
 * @title AggregatorInterface
 * @notice The legacy ("V2") read interface of Chainlink price feeds, which many consumers still
 * call, with Chainlink's events. Declared here (not imported) with the same function selectors,
 * return types and event signatures as Chainlink's
 * `contracts/src/v0.8/shared/interfaces/AggregatorInterface.sol`, so a consumer compiled against
 * Chainlink's interface reads this suite's feeds unchanged.
 *
 * Semantics (Chainlink's, see FluxAggregator and AggregatorProxy in smartcontractkit/chainlink
 * `contracts/src/v0.6/`): none of these reads reverts for missing data; an unknown round, or no
 * round yet, reads as 0. Prefer {AggregatorV3Interface-latestRoundData}, which does not let a
 * consumer mistake a missing answer for a zero.
 */
interface AggregatorInterface {
    /**
     * @notice A round's answer was recorded.
     * @param current The answer.
     * @param roundId The round.
     * @param updatedAt When it was recorded.
     */
    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);

    /**
     * @notice A round started.
     * @param roundId The round.
     * @param startedBy The account that started it.
     * @param startedAt When it started.
     */
    event NewRound(uint256 indexed roundId, address indexed startedBy, uint256 startedAt);

    /// @notice Answer of the latest round (0 when there is none yet).
    /// @return The answer.
    function latestAnswer() external view returns (int256);

    /// @notice When the latest round's answer was recorded (0 when there is none yet).
    /// @return The timestamp.
    function latestTimestamp() external view returns (uint256);

    /// @notice Id of the latest round (0 when there is none yet).
    /// @return The round id.
    function latestRound() external view returns (uint256);

    /// @notice Answer of round `roundId` (0 for an unknown round).
    /// @param roundId The round.
    /// @return The answer.
    function getAnswer(uint256 roundId) external view returns (int256);

    /// @notice When round `roundId`'s answer was recorded (0 for an unknown round).
    /// @param roundId The round.
    /// @return The timestamp.
    function getTimestamp(uint256 roundId) external view returns (uint256);
}
