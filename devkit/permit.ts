// EIP-2612 permits for WETH10 (domain "Wrapped Ether v10", version "1"), signed the way a wallet signs them.
import { Signature, type Signer } from "ethers";

const PERMIT_TYPES = {
    Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
    ],
};

/** `owner`'s signature allowing `spender` to take `value` of the WETH10 at `token` until `deadline`. */
export async function signWeth10Permit(
    owner: Signer,
    permit: { token: string; chainId: number | bigint; spender: string; value: bigint; nonce: bigint; deadline: bigint },
): Promise<Signature> {
    const domain = { name: "Wrapped Ether v10", version: "1", chainId: permit.chainId, verifyingContract: permit.token };
    const message = { owner: await owner.getAddress(), spender: permit.spender, value: permit.value, nonce: permit.nonce, deadline: permit.deadline };
    return Signature.from(await owner.signTypedData(domain, PERMIT_TYPES, message));
}
