/// Bytes handed over in order, each once, from whatever holds them (an archive's current entry):
/// what a streamed DICOM parse reads from.
public final class ByteStream {
    private let readInto: (UnsafeMutableRawBufferPointer) -> Int

    /// `read` fills the buffer it is given from where the previous call stopped and returns how many
    /// bytes it wrote: 0 at the end, -1 on a read error.
    public init(read: @escaping (UnsafeMutableRawBufferPointer) -> Int) {
        readInto = read
    }

    /// Fills `buffer` from where the last read stopped: the count, 0 at the end, -1 on an error.
    public func read(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
        readInto(buffer)
    }
}
