import { SnapshotServiceClient, SnapshotServiceService } from './grpc';

describe('grpc entry', () => {
  it('describes the three SnapshotService methods for @grpc/grpc-js', () => {
    expect(Object.keys(SnapshotServiceService).sort()).toEqual(['getCandles', 'getSnapshots', 'listInstruments']);
    expect(SnapshotServiceService.getSnapshots.path).toBe('/tickwire.v1.SnapshotService/GetSnapshots');
    expect(typeof SnapshotServiceClient).toBe('function');
  });
});
