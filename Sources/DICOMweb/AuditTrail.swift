import StudyCatalog

/// Every access to patient data is in the catalog's audit trail before the data leaves: a request
/// waits for its event to be committed. Events that arrive while a batch is being written go in the
/// next one, so a viewer's hundreds of frame requests cost a few transactions, not one each.
actor AuditTrail {
    private let catalog: any Catalog
    private var pending: [AccessEvent] = []
    private var waiting: [CheckedContinuation<Void, any Error>] = []
    private var writing = false

    init(catalog: any Catalog) {
        self.catalog = catalog
    }

    /// Returns once `event` is committed; throws the catalog's error when it could not be.
    func record(_ event: AccessEvent) async throws {
        pending.append(event)
        try await withCheckedThrowingContinuation { continuation in
            waiting.append(continuation)
            if !writing {
                writing = true
                Task { await self.writeBatches() }
            }
        }
    }

    private func writeBatches() async {
        while !pending.isEmpty {
            let batch = pending
            let continuations = waiting
            pending = []
            waiting = []
            do {
                try await catalog.recordAccesses(batch)
                continuations.forEach { $0.resume() }
            } catch {
                continuations.forEach { $0.resume(throwing: error) }
            }
        }
        writing = false
    }
}
