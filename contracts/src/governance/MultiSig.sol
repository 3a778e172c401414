// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

/**
 * @title MultiSig
 * @notice An m-of-n governance wallet. Owners submit, confirm and revoke transactions; any owner
 * executes one once it has `threshold` confirmations from current owners. Owner set and threshold
 * change only through transactions the wallet sends to itself. The suite's Ownable2Step
 * contracts are meant to be owned by this wallet: transfer ownership to it, then execute a
 * transaction calling `acceptOwnership()` on the contract.
 * @dev Confirmations are counted over the current owners at execution time, so confirmations of a
 * removed owner stop counting. A reverting call reverts {execute} (with the callee's revert data)
 * and leaves the transaction executable later.
 */
contract MultiSig is ReentrancyGuard {
    /// @notice Upper bound on the number of owners.
    uint256 public constant MAX_OWNERS = 50;

    /// @notice A proposed call.
    struct Transaction {
        address to;
        uint256 value;
        bytes data;
        bool executed;
    }

    address[] private _owners;
    mapping(address account => bool) private _isOwner;
    uint256 private _threshold;
    Transaction[] private _transactions;
    mapping(uint256 txId => mapping(address owner => bool)) private _confirmed;

    /// @notice Ether was received.
    /// @param sender Sender.
    /// @param value Amount.
    event Deposit(address indexed sender, uint256 value);
    /// @notice A transaction was submitted.
    /// @param txId Its id.
    /// @param owner Submitter.
    /// @param to Target.
    /// @param value Ether sent.
    /// @param data Calldata.
    event Submission(uint256 indexed txId, address indexed owner, address indexed to, uint256 value, bytes data);
    /// @notice An owner confirmed a transaction.
    /// @param txId Transaction.
    /// @param owner Owner.
    event Confirmation(uint256 indexed txId, address indexed owner);
    /// @notice An owner revoked a confirmation.
    /// @param txId Transaction.
    /// @param owner Owner.
    event Revocation(uint256 indexed txId, address indexed owner);
    /// @notice A transaction was executed.
    /// @param txId Transaction.
    /// @param executor Owner who executed it.
    event Execution(uint256 indexed txId, address indexed executor);
    /// @notice An owner was added.
    /// @param owner Owner.
    event OwnerAdded(address indexed owner);
    /// @notice An owner was removed.
    /// @param owner Owner.
    event OwnerRemoved(address indexed owner);
    /// @notice The threshold changed.
    /// @param threshold New threshold.
    event ThresholdChanged(uint256 threshold);

    /// @notice The caller is not an owner.
    /// @param caller Caller.
    error NotOwner(address caller);
    /// @notice Owner management must go through the wallet itself.
    /// @param caller Caller.
    error OnlyWallet(address caller);
    /// @notice The account is already an owner (or is zero).
    /// @param account Account.
    error InvalidOwner(address account);
    /// @notice Threshold must be in 1..owners.
    /// @param threshold Requested threshold.
    /// @param owners Number of owners.
    error InvalidThreshold(uint256 threshold, uint256 owners);
    /// @notice More than {MAX_OWNERS}.
    /// @param owners Requested count.
    error TooManyOwners(uint256 owners);
    /// @notice No such transaction.
    /// @param txId Transaction.
    error UnknownTransaction(uint256 txId);
    /// @notice Transaction already executed.
    /// @param txId Transaction.
    error AlreadyExecuted(uint256 txId);
    /// @notice The owner already confirmed.
    /// @param txId Transaction.
    /// @param owner Owner.
    error AlreadyConfirmed(uint256 txId, address owner);
    /// @notice The owner has not confirmed.
    /// @param txId Transaction.
    /// @param owner Owner.
    error NotConfirmed(uint256 txId, address owner);
    /// @notice Not enough confirmations.
    /// @param txId Transaction.
    /// @param confirmations Current confirmations.
    /// @param threshold Required.
    error ThresholdNotReached(uint256 txId, uint256 confirmations, uint256 threshold);
    /// @notice The call reverted.
    /// @param txId Transaction.
    /// @param returnData Revert data.
    error ExecutionFailed(uint256 txId, bytes returnData);

    /// @dev Restricts to current owners.
    modifier onlyOwner() {
        if (!_isOwner[msg.sender]) revert NotOwner(msg.sender);
        _;
    }

    /// @dev Restricts to calls the wallet makes to itself (executed transactions).
    modifier onlyWallet() {
        if (msg.sender != address(this)) revert OnlyWallet(msg.sender);
        _;
    }

    /// @dev Requires `txId` to exist and not be executed yet.
    modifier exists(uint256 txId) {
        if (txId >= _transactions.length) revert UnknownTransaction(txId);
        if (_transactions[txId].executed) revert AlreadyExecuted(txId);
        _;
    }

    /**
     * @param owners_ Initial owners (distinct, non-zero).
     * @param threshold_ Confirmations required (1..owners).
     */
    constructor(address[] memory owners_, uint256 threshold_) {
        if (owners_.length > MAX_OWNERS) revert TooManyOwners(owners_.length);
        for (uint256 i = 0; i < owners_.length; ++i) _addOwner(owners_[i]);
        _setThreshold(threshold_);
    }

    /// @notice Accepts ether.
    receive() external payable virtual {
        emit Deposit(msg.sender, msg.value);
    }

    /**
     * @notice Proposes a call and confirms it for the caller.
     * @param to Target.
     * @param value Ether to send.
     * @param data Calldata.
     * @return txId The transaction id.
     */
    function submit(address to, uint256 value, bytes calldata data) external virtual onlyOwner returns (uint256 txId) {
        txId = _transactions.length;
        _transactions.push(Transaction({to: to, value: value, data: data, executed: false}));
        emit Submission(txId, msg.sender, to, value, data);
        _confirm(txId);
    }

    /// @notice Confirms `txId`.
    /// @param txId Transaction.
    function confirm(uint256 txId) external virtual onlyOwner exists(txId) {
        _confirm(txId);
    }

    /// @notice Withdraws the caller's confirmation of `txId`.
    /// @param txId Transaction.
    function revoke(uint256 txId) external virtual onlyOwner exists(txId) {
        if (!_confirmed[txId][msg.sender]) revert NotConfirmed(txId, msg.sender);
        _confirmed[txId][msg.sender] = false;
        emit Revocation(txId, msg.sender);
    }

    /**
     * @notice Executes `txId` once it has enough confirmations.
     * @param txId Transaction.
     * @return returnData The call's return data.
     */
    function execute(
        uint256 txId
    ) external virtual onlyOwner exists(txId) nonReentrant returns (bytes memory returnData) {
        uint256 confirmations = getConfirmationCount(txId);
        if (confirmations < _threshold) revert ThresholdNotReached(txId, confirmations, _threshold);
        Transaction storage t = _transactions[txId];
        t.executed = true;
        bool ok;
        (ok, returnData) = t.to.call{value: t.value}(t.data);
        if (!ok) revert ExecutionFailed(txId, returnData);
        emit Execution(txId, msg.sender);
    }

    /// @notice Adds an owner (wallet only).
    /// @param owner New owner.
    function addOwner(address owner) external virtual onlyWallet {
        if (_owners.length >= MAX_OWNERS) revert TooManyOwners(_owners.length + 1);
        _addOwner(owner);
    }

    /// @notice Removes an owner, lowering the threshold if it would exceed the owner count (wallet only).
    /// @param owner Owner to remove.
    function removeOwner(address owner) external virtual onlyWallet {
        _removeOwner(owner);
        if (_threshold > _owners.length) _setThreshold(_owners.length);
    }

    /// @notice Replaces `owner` with `newOwner` (wallet only).
    /// @param owner Owner to remove.
    /// @param newOwner Owner to add.
    function replaceOwner(address owner, address newOwner) external virtual onlyWallet {
        _removeOwner(owner);
        _addOwner(newOwner);
    }

    /// @notice Changes the threshold (wallet only).
    /// @param threshold_ New threshold.
    function changeThreshold(uint256 threshold_) external virtual onlyWallet {
        _setThreshold(threshold_);
    }

    /// @notice Current owners.
    /// @return owners_ Owner addresses.
    function getOwners() external view virtual returns (address[] memory owners_) {
        return _owners;
    }

    /// @notice Whether `account` is an owner.
    /// @param account Account.
    /// @return owner True if owner.
    function isOwner(address account) external view virtual returns (bool owner) {
        return _isOwner[account];
    }

    /// @notice Confirmations required.
    /// @return threshold_ The threshold.
    function threshold() external view virtual returns (uint256 threshold_) {
        return _threshold;
    }

    /// @notice Number of submitted transactions.
    /// @return count The count.
    function transactionCount() external view virtual returns (uint256 count) {
        return _transactions.length;
    }

    /// @notice A submitted transaction.
    /// @param txId Transaction.
    /// @return transaction Its fields.
    function getTransaction(uint256 txId) external view virtual returns (Transaction memory transaction) {
        if (txId >= _transactions.length) revert UnknownTransaction(txId);
        return _transactions[txId];
    }

    /// @notice Whether `owner` confirmed `txId`.
    /// @param txId Transaction.
    /// @param owner Owner.
    /// @return confirmed True if confirmed.
    function isConfirmed(uint256 txId, address owner) external view virtual returns (bool confirmed) {
        return _confirmed[txId][owner];
    }

    /// @notice Confirmations of `txId` by current owners.
    /// @param txId Transaction.
    /// @return count The count.
    function getConfirmationCount(uint256 txId) public view virtual returns (uint256 count) {
        for (uint256 i = 0; i < _owners.length; ++i) {
            if (_confirmed[txId][_owners[i]]) ++count;
        }
    }

    /// @dev Records the caller's confirmation.
    function _confirm(uint256 txId) internal virtual {
        if (_confirmed[txId][msg.sender]) revert AlreadyConfirmed(txId, msg.sender);
        _confirmed[txId][msg.sender] = true;
        emit Confirmation(txId, msg.sender);
    }

    /// @dev Adds a distinct non-zero owner.
    function _addOwner(address owner) internal virtual {
        if (owner == address(0) || owner == address(this) || _isOwner[owner]) revert InvalidOwner(owner);
        _isOwner[owner] = true;
        _owners.push(owner);
        emit OwnerAdded(owner);
    }

    /// @dev Removes an existing owner (swap-and-pop).
    function _removeOwner(address owner) internal virtual {
        if (!_isOwner[owner]) revert InvalidOwner(owner);
        _isOwner[owner] = false;
        uint256 last = _owners.length - 1;
        for (uint256 i = 0; i <= last; ++i) {
            if (_owners[i] == owner) {
                _owners[i] = _owners[last];
                _owners.pop();
                break;
            }
        }
        emit OwnerRemoved(owner);
    }

    /// @dev Sets a threshold within 1..owners.
    function _setThreshold(uint256 threshold_) internal virtual {
        if (threshold_ == 0 || threshold_ > _owners.length) revert InvalidThreshold(threshold_, _owners.length);
        _threshold = threshold_;
        emit ThresholdChanged(threshold_);
    }
}
