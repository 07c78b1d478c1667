internal import CDCMTK

/// Reads DICOM files through DCMTK and returns Swift values. Safe to use from many tasks at once:
/// each read owns its native objects, and DCMTK's global state is prepared once per process.
public struct DICOMReader: Sendable {
    /// Bounds on what one file may cost to read; a file beyond one is a `limitExceeded` error.
    public struct Limits: Sendable, Hashable {
        /// Bytes read from one file at most: everything before its pixel data (or all of a DICOMDIR).
        public var maxHeaderBytes: Int64
        /// Sequences nested deeper than this.
        public var maxSequenceDepth: Int
        /// Records in one DICOMDIR.
        public var maxDirectoryRecords: Int
        /// Files and links in one submission (a drop).
        public var maxFilesPerSubmission: Int
        /// Bytes the entries of one archive drop may unpack to together.
        public var maxUnpackedBytes: Int64
        /// Whether DCMTK decodes every element. By default it is handed only the meta group and the
        /// top-level attributes a header reads (`DICOMTag.headerAttributes`), found by walking the
        /// element headers: private groups and other elements are stepped over by their lengths.
        /// True gives DCMTK every element, as a check, or for a reader of the whole dataset.
        public var decodesEveryElement = false

        public init(
            maxHeaderBytes: Int64 = 32 << 20, maxSequenceDepth: Int = 32, maxDirectoryRecords: Int = 200_000,
            maxFilesPerSubmission: Int = 100_000, maxUnpackedBytes: Int64 = 64 << 30
        ) {
            self.maxHeaderBytes = maxHeaderBytes
            self.maxSequenceDepth = maxSequenceDepth
            self.maxDirectoryRecords = maxDirectoryRecords
            self.maxFilesPerSubmission = maxFilesPerSubmission
            self.maxUnpackedBytes = maxUnpackedBytes
        }

        /// The limits of reading an archive drop.
        public var archive: ArchiveDrop.Limits {
            ArchiveDrop.Limits(maxFiles: maxFilesPerSubmission, maxUnpackedBytes: maxUnpackedBytes)
        }

        var native: cdcmtk_read_limits {
            cdcmtk_read_limits(
                max_bytes: UInt64(max(0, maxHeaderBytes)),
                max_sequence_depth: UInt32(clamping: max(0, maxSequenceDepth)),
                decode_every_element: decodesEveryElement,
                wanted_tags: DICOMTag.nativeHeaderAttributes.baseAddress,
                wanted_tag_count: DICOMTag.nativeHeaderAttributes.count)
        }
    }

    public var limits: Limits

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Checks that DCMTK is usable here (its data dictionary loaded), before any file is read: a
    /// missing dictionary is a fault of the machine, not of the files.
    public static func checkEnvironment() throws(DICOMReadError) {
        try DCMTKRuntime.readiness.get()
    }

    /// Runs `body` while DCMTK's one-time set-up (loading its data dictionary takes 20–30 ms) goes
    /// on in a task of its own, so that a caller's first steps (opening the catalog, listing a
    /// drop) overlap it; `checkEnvironment()` and the first read wait for it. Returns, or throws,
    /// only once the set-up has ended: the process never exits while DCMTK is still loading.
    public static func preparingEnvironment<Value, Failure: Error>(
        _ body: () async throws(Failure) -> Value
    ) async throws(Failure) -> Value {
        let environment = Task.detached { _ = DCMTKRuntime.readiness }
        let outcome: Result<Value, Failure>
        do throws(Failure) {
            outcome = .success(try await body())
        } catch {
            outcome = .failure(error)
        }
        await environment.value
        return try outcome.get()
    }

    /// Reads the header of the file at `path`, never its pixel data.
    ///
    /// Every attribute `DICOMHeader` needs comes before (0028,0012), right after Columns, except
    /// the functional group sequences (5200,xxxx) of multi-frame objects. For the classic
    /// single-frame image classes, which cannot carry those, the parse stops there, before the
    /// rest of the image module and the vendors' private blocks after it (a Siemens CSA header in
    /// group 0029 alone is tens of kilobytes). A DICOMDIR is whole by then (its records are in
    /// group 0004). Any other file is parsed again from the bytes already in memory, up to Pixel
    /// Data.
    ///
    /// In a `folder`, `path` is relative to it, and the file is opened only if it lies below it
    /// through no symbolic link (a folder swapped for a link after listing is refused).
    public func readHeader(at path: String, in folder: Folder? = nil) throws(DICOMReadError) -> DICOMHeader {
        try readFile(at: path, in: folder).header
    }

    /// Reads a file as `readHeader` does and, when it is a DICOMDIR, its record tree from the same
    /// parse (its records are in group 0004, before the place the header read stops).
    public func readFile(at path: String, in folder: Folder? = nil) throws(DICOMReadError) -> (
        header: DICOMHeader, directory: DICOMDirectory?
    ) {
        try read(DICOMFile(path: path, in: folder, stopBefore: .afterSingleFrameAttributes, limits: limits))
    }

    /// Reads bytes that are not a file of their own (an archive entry) as `readFile` reads a file,
    /// from `stream`, which must keep handing over the entry's bytes until this returns. `size` is the
    /// entry's size as its container says (nil when unknown); `label` names it in errors.
    public func readFile(stream: ByteStream, size: Int64?, label: String) throws(DICOMReadError) -> (
        header: DICOMHeader, directory: DICOMDirectory?
    ) {
        try read(
            DICOMFile(stream: stream, size: size, label: label, stopBefore: .afterSingleFrameAttributes, limits: limits))
    }

    /// The header of a file parsed up to its single-frame stop, parsed further when its class needs
    /// it, and a DICOMDIR's record tree.
    private func read(_ file: DICOMFile) throws(DICOMReadError) -> (header: DICOMHeader, directory: DICOMDirectory?) {
        let sopClass = String(
            decoding: file.dataset.stringBytes(.sopClassUID) ?? file.meta.stringBytes(.mediaStorageSOPClassUID) ?? [],
            as: UTF8.self
        ).trimmingSpaces()
        if sopClass == Self.mediaStorageDirectoryClass {
            return (DICOMHeader(file: file), try directory(of: file))
        }
        if !Self.singleFrameImageClasses.contains(sopClass) {
            try file.reparse(stopBefore: .pixelData, limits: limits)
        }
        return (DICOMHeader(file: file), nil)
    }

    /// Reads the DICOMDIR at `path` as a record tree.
    public func readDirectory(at path: String, in folder: Folder? = nil) throws(DICOMReadError) -> DICOMDirectory {
        try directory(of: DICOMFile(path: path, in: folder, stopBefore: .afterDirectoryRecords, limits: limits))
    }

    private func directory(of file: DICOMFile) throws(DICOMReadError) -> DICOMDirectory {
        try DICOMDirectory(file: file, maximumRecords: limits.maxDirectoryRecords)
    }

    /// Media Storage Directory Storage: a DICOMDIR.
    public static let mediaStorageDirectoryClass = "1.2.840.10008.1.3.10"

    /// Storage SOP classes whose IODs have no functional groups (PS3.3 A.3, A.4, A.8, A.26, ...).
    static let singleFrameImageClasses: Set<String> = [
        "1.2.840.10008.5.1.4.1.1.1",  // Computed Radiography Image
        "1.2.840.10008.5.1.4.1.1.1.1",  // Digital X-Ray Image, for presentation
        "1.2.840.10008.5.1.4.1.1.1.1.1",  // Digital X-Ray Image, for processing
        "1.2.840.10008.5.1.4.1.1.2",  // CT Image
        "1.2.840.10008.5.1.4.1.1.4",  // MR Image
        "1.2.840.10008.5.1.4.1.1.7",  // Secondary Capture Image
        "1.2.840.10008.5.1.4.1.1.6.1",  // Ultrasound Image
        "1.2.840.10008.5.1.4.1.1.20",  // Nuclear Medicine Image
        "1.2.840.10008.5.1.4.1.1.128",  // Positron Emission Tomography Image
        "1.2.840.10008.5.1.4.1.1.12.1",  // X-Ray Angiographic Image
    ]
}

extension DICOMTag {
    /// The first tag after every attribute a single-frame header needs: the one after Columns.
    static let afterSingleFrameAttributes = DICOMTag(0x0028, 0x0012)
    static let pixelData = DICOMTag(0x7FE0, 0x0010)
    /// The first tag after group 0004, which holds a DICOMDIR's file-set attributes and records.
    static let afterDirectoryRecords = DICOMTag(0x0005, 0x0000)
    /// No element is at or after it: the whole dataset is parsed.
    static let endOfDataset = DICOMTag(0xFFFF, 0xFFFF)
}
