/** Splits an in-memory BinaryFILE (u16 big-endian length + message) into message views; stops at a zero-length record. */
export function splitRecords(file: Uint8Array): { messages: Uint8Array[]; endOfSession: boolean; trailing: number } {
  const messages: Uint8Array[] = [];
  let p = 0;
  while (p + 2 <= file.length) {
    const length = (file[p] << 8) | file[p + 1];
    if (length === 0) return { messages, endOfSession: true, trailing: file.length - p - 2 };
    if (p + 2 + length > file.length) break;
    messages.push(file.subarray(p + 2, p + 2 + length));
    p += 2 + length;
  }
  return { messages, endOfSession: false, trailing: file.length - p };
}
