/// What a backend writes for one submission, decided before any row is written: which instances are
/// new, which file links to an instance already held, and the duplicate findings. Both backends
/// build it the same way from what they hold (`HeldInstance`), inside the transaction that writes it.
public struct SubmissionWritePlan: Sendable {
    /// An instance as the catalog tells it apart: its SOPInstanceUID and header digest.
    public struct InstanceKey: Hashable, Sendable {
        public var sopInstanceUID: String
        public var headerDigest: String

        public init(sopInstanceUID: String, headerDigest: String) {
            self.sopInstanceUID = sopInstanceUID
            self.headerDigest = headerDigest
        }
    }

    /// An instance the catalog holds already, with its row.
    public struct HeldInstance: Sendable {
        public var key: InstanceKey
        public var rowID: Int64
        public var submissionId: String
        public var path: String?

        public init(key: InstanceKey, rowID: Int64, submissionId: String, path: String?) {
            self.key = key
            self.rowID = rowID
            self.submissionId = submissionId
            self.path = path
        }
    }

    /// Instances to add, in the submission's order.
    public private(set) var newInstances: [SubmissionRecord.Instance] = []
    /// The instance each DICOM file holds, by path.
    public private(set) var instanceOfFile: [String: InstanceKey] = [:]
    /// Files not kept: linked to an identical instance held already (by the catalog or by an
    /// earlier file of the same submission).
    public private(set) var linkedPaths: Set<String> = []
    /// Rows of the held instances files are linked to.
    public private(set) var heldRowIDs: [InstanceKey: Int64] = [:]
    public private(set) var findings: [SubmissionRecord.Finding] = []

    /// - Parameter held: the catalog's instances with any of the submission's SOPInstanceUIDs.
    public init(_ submission: SubmissionRecord, held: [HeldInstance], policy: any DuplicatePolicy) {
        typealias Copy = (copy: EarlierCopy, key: InstanceKey)
        // The copies before an instance with its SOPInstanceUID, the catalog's before the
        // submission's own. Most instances have none, and few a second own copy: the first own copy
        // of each is kept apart from the rest, so a 10,000-file submission is not 10,000 arrays.
        var heldBySOP: [String: [Copy]] = [:]
        var firstOwn: [String: (path: String, key: InstanceKey)] = [:]
        var laterOwn: [String: [(path: String, key: InstanceKey)]] = [:]
        for instance in held {
            heldRowIDs[instance.key] = instance.rowID
            heldBySOP[instance.key.sopInstanceUID, default: []].append(
                (EarlierCopy(submissionId: instance.submissionId, path: instance.path, identical: false), instance.key))
        }
        func earlierCopies(of sop: String) -> [Copy] {
            guard let first = firstOwn[sop] else { return heldBySOP[sop] ?? [] }
            let own = [first] + (laterOwn[sop] ?? [])
            return (heldBySOP[sop] ?? [])
                + own.map { (EarlierCopy(submissionId: nil, path: $0.path, identical: false), $0.key) }
        }
        newInstances.reserveCapacity(submission.instances.count)
        instanceOfFile.reserveCapacity(submission.instances.count)
        firstOwn.reserveCapacity(submission.instances.count)
        for instance in submission.instances {
            let sop = instance.sopInstanceUID
            let key = InstanceKey(sopInstanceUID: sop, headerDigest: instance.headerDigest)
            let earlier = earlierCopies(of: sop)
            // The identical copy when there is one, else the first other.
            if let match = earlier.first(where: { $0.key == key }) ?? earlier.first {
                var copy = match.copy
                copy.identical = match.key == key
                findings.append(policy.finding(for: instance, earlier: copy))
                if copy.identical {
                    instanceOfFile[instance.path] = key
                    linkedPaths.insert(instance.path)
                    continue
                }
            }
            newInstances.append(instance)
            instanceOfFile[instance.path] = key
            if firstOwn[sop] == nil {
                firstOwn[sop] = (instance.path, key)
            } else {
                laterOwn[sop, default: []].append((instance.path, key))
            }
        }
    }
}
