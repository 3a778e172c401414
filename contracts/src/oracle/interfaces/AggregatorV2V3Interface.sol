// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AggregatorInterface} from "./AggregatorInterface.sol";
import {AggregatorV3Interface} from "./AggregatorV3Interface.sol";

/**
 * @title AggregatorV2V3Interface
 * @notice The legacy and the V3 read interfaces of Chainlink price feeds together, as Chainlink's
 * `contracts/src/v0.8/shared/interfaces/AggregatorV2V3Interface.sol` combines them: what Chainlink's
 * AggregatorProxy serves and expects from the aggregators behind it.
 */
interface AggregatorV2V3Interface is AggregatorInterface, AggregatorV3Interface {}
