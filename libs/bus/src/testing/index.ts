export { describeBusContract, waitUntil, type BusContractTarget } from './bus-contract';
