internal import CDCMTK

/// A dataset or sequence item inside a `DICOMFile`, which it keeps alive. Every accessor copies the
/// value out at once.
struct DatasetItem {
    fileprivate let native: OpaquePointer
    fileprivate let owner: DICOMFile

    init(native: OpaquePointer, owner: DICOMFile) {
        self.native = native
        self.owner = owner
    }

    /// The raw bytes of a string-valued element, all values with their backslashes; nil when
    /// absent, not a string, or empty.
    func stringBytes(_ tag: DICOMTag) -> [UInt8]? {
        var bytes: UnsafePointer<CChar>?
        var length = 0
        guard cdcmtk_item_get_string_bytes(native, tag.native, &bytes, &length), let bytes, length > 0 else {
            return nil
        }
        return bytes.withMemoryRebound(to: UInt8.self, capacity: length) {
            Array(UnsafeBufferPointer(start: $0, count: length))
        }
    }

    /// Value `index` of a numeric element (binary or DS/IS).
    func number(_ tag: DICOMTag, at index: Int = 0) -> Double? {
        var value = 0.0
        guard cdcmtk_item_get_number(native, tag.native, UInt(index), &value), value.isFinite else { return nil }
        return value
    }

    /// All values of a numeric element; nil when absent, empty, or any value is not a number.
    func numbers(_ tag: DICOMTag) -> [Double]? {
        let count = Int(cdcmtk_item_value_count(native, tag.native))
        guard count > 0 else { return nil }
        var values: [Double] = []
        values.reserveCapacity(count)
        for index in 0..<count {
            guard let value = number(tag, at: index) else { return nil }
            values.append(value)
        }
        return values
    }

    /// An integer value; nil when absent or not integral.
    func integer(_ tag: DICOMTag) -> Int? {
        guard let value = number(tag), value == value.rounded(), abs(value) < 1e15 else { return nil }
        return Int(value)
    }

    func sequenceCount(_ tag: DICOMTag) -> Int {
        Int(cdcmtk_item_sequence_count(native, tag.native))
    }

    func sequenceItem(_ tag: DICOMTag, at index: Int) -> DatasetItem? {
        cdcmtk_item_sequence_item(native, tag.native, UInt(index)).map { DatasetItem(native: $0, owner: owner) }
    }
}
