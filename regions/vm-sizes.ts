/**
 * vCPU counts of the VM sizes a node pool may use. Quota is enforced in vCPUs per region, so a
 * size the table does not know is rejected rather than guessed. Figures: Azure VM size docs.
 */
const VCPUS_BY_SIZE: Readonly<Record<string, number>> = {
    Standard_B2s: 2,
    Standard_B2ms: 2,
    Standard_B4ms: 4,
    Standard_D2s_v5: 2,
    Standard_D4s_v5: 4,
    Standard_D8s_v5: 8,
    Standard_D2ds_v5: 2,
    Standard_D4ds_v5: 4,
    Standard_D2as_v5: 2,
    Standard_D4as_v5: 4,
    Standard_D8as_v5: 8,
    Standard_D2s_v6: 2,
    Standard_D4s_v6: 4,
    Standard_D8s_v6: 8,
    Standard_D2ads_v6: 2,
    Standard_D4ads_v6: 4,
    Standard_E2s_v5: 2,
    Standard_E4s_v5: 4,
    Standard_E8s_v5: 8,
    Standard_F2s_v2: 2,
    Standard_F4s_v2: 4,
    Standard_F8s_v2: 8,
};

/** Sizes the quota check understands. */
export function knownVmSizes(): readonly string[] {
    return Object.keys(VCPUS_BY_SIZE);
}

/** vCPUs of one VM of `size`, or undefined when the table does not know the size. */
export function vcpusOf(size: string): number | undefined {
    return VCPUS_BY_SIZE[size];
}
