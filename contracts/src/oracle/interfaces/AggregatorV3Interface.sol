// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/**
 * @title AggregatorV3Interface
 * @notice The read interface of Chainlink price feeds, declared here so consumers of this suite
 * and of Chainlink's feeds share one ABI.
 */
interface AggregatorV3Interface {
    /// @notice Decimals of the answers.
    /// @return Decimals.
    function decimals() external view returns (uint8);

    /// @notice Human-readable description, e.g. "ETH / USD".
    /// @return Description.
    function description() external view returns (string memory);

    /// @notice Implementation version.
    /// @return Version.
    function version() external view returns (uint256);

    /**
     * @notice Data of round `_roundId`.
     * @param _roundId Round id.
     * @return roundId Round id.
     * @return answer Answer.
     * @return startedAt When the round started.
     * @return updatedAt When the answer was recorded.
     * @return answeredInRound Round in which the answer was computed.
     */
    function getRoundData(
        uint80 _roundId
    )
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);

    /**
     * @notice Data of the latest round.
     * @return roundId Round id.
     * @return answer Answer.
     * @return startedAt When the round started.
     * @return updatedAt When the answer was recorded.
     * @return answeredInRound Round in which the answer was computed.
     */
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}
