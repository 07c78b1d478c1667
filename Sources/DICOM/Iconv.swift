#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Decodes bytes in a named encoding to a String through the C library's iconv.
///
/// Used for the character sets Swift's standard library does not decode (ISO 8859-x, EUC-JP,
/// EUC-KR, GB18030, …). DCMTK's own conversion is not used: it gives up on ISO 2022 IR 87/159
/// with glibc and on values without (0008,0005), where this one decodes segment by segment.
enum Iconv {
    /// The decoded text, or nil when the encoding is unknown or the bytes are invalid in it.
    static func decode(_ bytes: [UInt8], from encoding: String) -> String? {
        if bytes.isEmpty { return "" }
        let descriptor = iconv_open("UTF-8", encoding)
        guard let descriptor, descriptor != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(descriptor) }

        var input = bytes
        var output = [UInt8](repeating: 0, count: bytes.count * 4 + 8)
        let produced: Int? = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                var inputPointer =
                    UnsafeMutableRawPointer(inputBuffer.baseAddress!)
                    .assumingMemoryBound(to: CChar.self) as UnsafeMutablePointer<CChar>?
                var outputPointer =
                    UnsafeMutableRawPointer(outputBuffer.baseAddress!)
                    .assumingMemoryBound(to: CChar.self) as UnsafeMutablePointer<CChar>?
                var inputLeft = inputBuffer.count
                var outputLeft = outputBuffer.count
                let result = iconv(descriptor, &inputPointer, &inputLeft, &outputPointer, &outputLeft)
                // A shift state left open at the end (ISO 2022) is flushed by a call with no input.
                guard result != -1, inputLeft == 0,
                    iconv(descriptor, nil, nil, &outputPointer, &outputLeft) != -1
                else { return nil }
                return outputBuffer.count - outputLeft
            }
        }
        guard let produced else { return nil }
        return String(validating: output[0..<produced], as: UTF8.self)
    }
}
