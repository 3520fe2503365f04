import type { Server } from '@grpc/grpc-js';
import { loadFileDescriptorSetFromBuffer } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { FILE_DESCRIPTOR_SET } from '@tickwire/protocol/grpc';

/**
 * gRPC server reflection (`grpc.reflection.v1` and `v1alpha`) for `tickwire.v1.SnapshotService` and
 * `grpc.health.v1.Health`, from the descriptors `npm run generate` embeds in @tickwire/protocol:
 * `grpcurl -plaintext <host>:9400 list`, `describe` and calls work without a copy of the .proto files.
 */
export function addServerReflection(server: Pick<Server, 'addService'>): void {
  new ReflectionService(loadFileDescriptorSetFromBuffer(Buffer.from(FILE_DESCRIPTOR_SET))).addToServer(server);
}
