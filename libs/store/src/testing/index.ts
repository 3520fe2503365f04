export { describeSnapshotStoreContract, type SnapshotStoreContractTarget } from './store-contract';
