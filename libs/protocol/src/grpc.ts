/**
 * @tickwire/protocol/grpc: the SnapshotService stubs for @grpc/grpc-js. A separate entry because
 * @grpc/grpc-js is Node-only; the main entry stays importable from browsers (the client SDK).
 */
export { SnapshotServiceClient, SnapshotServiceService, type SnapshotServiceServer } from './gen/tickwire/v1/snapshot_service';
/** The descriptors of every proto/tickwire/v1 file and of grpc.health.v1 (a serialized FileDescriptorSet), for gRPC server reflection. */
export { FILE_DESCRIPTOR_SET } from './gen/file-descriptor-set';
