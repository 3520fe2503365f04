import * as protocol from './index';

describe('public entry', () => {
  it('exposes the generated codecs, the in-band Error as ErrorMessage, and the hand-written modules', () => {
    for (const name of ['MarketUpdate', 'RawBatch', 'Instrument', 'ClientMessage', 'ServerMessage', 'ErrorMessage', 'SubscriptionMode', 'GetSnapshotsRequest']) {
      expect(protocol).toHaveProperty(name);
    }
    for (const name of ['shardOf', 'fnv1a32', 'escapeSymbol', 'tickSubject', 'CloseCode', 'ErrorCode', 'decodeClientJson', 'encodeServerJson', 'concatBatch', 'ProtocolError']) {
      expect(protocol).toHaveProperty(name);
    }
    expect(protocol).not.toHaveProperty('Error');
    expect(protocol.ErrorMessage.decode(protocol.ErrorMessage.encode({ code: 1000, message: 'm', requestId: 1, retryable: false }).finish())).toEqual({ code: 1000, message: 'm', requestId: 1, retryable: false });
  });

  it('does not load @grpc/grpc-js (browsers cannot), which lives behind ./grpc', () => {
    const loadWithGrpcTrap = (path: string) =>
      jest.isolateModules(() => {
        jest.doMock('@grpc/grpc-js', () => {
          throw new Error('@grpc/grpc-js was loaded');
        });
        // A synchronous require is the point: the trap must fire while the module graph loads.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require(path);
      });
    expect(() => loadWithGrpcTrap('./index')).not.toThrow();
    // The trap works: the grpc entry does load it.
    expect(() => loadWithGrpcTrap('./grpc')).toThrow('@grpc/grpc-js was loaded');
  });
});
