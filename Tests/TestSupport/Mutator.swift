import Foundation

/// SplitMix64: a fixed seed gives the same mutations on every run and machine.
public struct SeededGenerator: RandomNumberGenerator {
    public var state: UInt64

    public init(state: UInt64) {
        self.state = state
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Damaged copies of the sample files: truncations, bit flips, huge lengths, deep nesting, wrong
/// VRs and overwritten spans, the damage real discs and hostile files carry.
public enum Mutator {
    /// Where the dataset starts (after the meta group), or 0 when the file has no meta group.
    static func datasetStart(_ bytes: [UInt8]) -> Int {
        guard bytes.count > 144, bytes[128..<132].elementsEqual(Array("DICM".utf8)) else { return 0 }
        let length = Int(bytes[140]) | Int(bytes[141]) << 8 | Int(bytes[142]) << 16 | Int(bytes[143]) << 24
        return min(bytes.count, 144 + length)
    }

    /// Offsets of top-level explicit-VR little-endian elements from `start`, as far as they parse.
    static func elementOffsets(_ bytes: [UInt8], from start: Int) -> [Int] {
        let longForms: Set<String> = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"]
        var offsets: [Int] = []
        var position = start
        while position + 8 <= bytes.count, offsets.count < 400 {
            let vr = String(decoding: bytes[position + 4..<position + 6], as: UTF8.self)
            guard vr.allSatisfy({ $0.isUppercase }) else { break }
            offsets.append(position)
            let length: Int
            if longForms.contains(vr) {
                guard position + 12 <= bytes.count else { break }
                length =
                    Int(bytes[position + 8]) | Int(bytes[position + 9]) << 8 | Int(bytes[position + 10]) << 16
                    | Int(bytes[position + 11]) << 24
                if length == 0xFFFF_FFFF { break }
                position += 12 + length
            } else {
                length = Int(bytes[position + 6]) | Int(bytes[position + 7]) << 8
                position += 8 + length
            }
        }
        return offsets
    }

    public static func mutate(_ source: [UInt8], kind: Int, using random: inout SeededGenerator) -> [UInt8] {
        var bytes = source
        let start = datasetStart(bytes)
        let elements = elementOffsets(bytes, from: start)
        let headerEnd = min(bytes.count, max(start, elements.last ?? start) + 64)
        switch kind {
        case 0:  // truncated anywhere in the header
            bytes.removeLast(bytes.count - Int.random(in: 0...headerEnd, using: &random))
        case 1:  // bit flips in the header
            for _ in 0..<Int.random(in: 1...16, using: &random) where headerEnd > 0 {
                bytes[Int.random(in: 0..<headerEnd, using: &random)] ^= 1 << UInt8.random(in: 0..<8, using: &random)
            }
        case 2:  // an element that claims far more bytes than the file has (up to 4 GB)
            guard let offset = elements.randomElement(using: &random) else { break }
            let long = Set(["OB", "OW", "SQ", "UN", "UT"]).contains(
                String(decoding: bytes[offset + 4..<offset + 6], as: UTF8.self))
            if long {
                let claim = [UInt32.max - 1, 0xF000_0000, 0x7FFF_FFFF].randomElement(using: &random)!
                for index in 0..<4 {
                    bytes[offset + 8 + index] = UInt8(truncatingIfNeeded: claim >> (8 * UInt32(index)))
                }
            } else {
                bytes[offset + 6] = 0xFF
                bytes[offset + 7] = 0xFF
            }
        case 3:  // sequences nested deep
            let depth = Int.random(in: 20...5000, using: &random)
            let open: [UInt8] =
                [0x08, 0x00, 0x40, 0x11] + Array("SQ".utf8) + [0, 0, 0xFF, 0xFF, 0xFF, 0xFF]
                + [0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF]
            let close: [UInt8] = [0xFE, 0xFF, 0x0D, 0xE0, 0, 0, 0, 0, 0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]
            let nested =
                Array([[UInt8]](repeating: open, count: depth).joined())
                + Array([[UInt8]](repeating: close, count: depth).joined())
            bytes.insert(contentsOf: nested, at: start)
        case 4:  // a wrong VR
            guard let offset = elements.randomElement(using: &random) else { break }
            let vr = ["SQ", "UN", "OB", "US", "FD", "XX", "AT", "UL", "\u{0}\u{0}"].randomElement(using: &random)!
            bytes.replaceSubrange(offset + 4..<offset + 6, with: Array(vr.utf8))
        default:  // a span of the header overwritten with noise
            guard headerEnd > 8 else { break }
            let at = Int.random(in: 0..<headerEnd - 8, using: &random)
            for index in at..<min(bytes.count, at + Int.random(in: 8...64, using: &random)) {
                bytes[index] = UInt8.random(in: 0...255, using: &random)
            }
        }
        return bytes
    }

    /// The sample files mutants are made from: every DICOM file of SampleStudies' discs and
    /// DICOMDIRs, in a fixed order.
    public static func sources(inSampleStudies samples: String) throws -> [[UInt8]] {
        try FileManager.default.subpathsOfDirectory(atPath: samples).sorted()
            .filter { $0.hasSuffix(".dcm") || $0.hasPrefix("CSPINE_MR/DICOM/") || $0.hasSuffix("DICOMDIR") }
            .compactMap { path -> [UInt8]? in
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: samples + "/" + path, isDirectory: &isFolder),
                    !isFolder.boolValue
                else { return nil }
                return try? [UInt8](Data(contentsOf: URL(fileURLWithPath: samples + "/" + path)))
            }
    }

    /// The mutation tests' mutants: `count` damaged copies of `sources`, the kinds of damage in
    /// turn, from seed 0x5EED_2026 (the same files on every run and machine).
    public static func mutants(of sources: [[UInt8]], count: Int) -> [[UInt8]] {
        var random = SeededGenerator(state: 0x5EED_2026)
        return (0..<count).map { index in
            mutate(sources.randomElement(using: &random)!, kind: index % 6, using: &random)
        }
    }
}
