extension Array where Element: Sendable {
    /// `transform` of every element, at most `width` at once (a task each, the next started as one
    /// finishes, not a task per element up front), the results in the elements' order.
    public func concurrentMap<Mapped: Sendable>(
        width: Int, _ transform: @escaping @Sendable (Element) async -> Mapped
    ) async -> [Mapped] {
        var results = [Mapped?](repeating: nil, count: count)
        await withTaskGroup(of: (Int, Mapped).self) { group in
            var next = 0
            func startNext() {
                guard next < count else { return }
                let index = next
                let element = self[index]
                next += 1
                group.addTask { (index, await transform(element)) }
            }
            for _ in 0..<Swift.min(Swift.max(1, width), count) { startNext() }
            for await (index, result) in group {
                results[index] = result
                startNext()
            }
        }
        return results.map { $0! }
    }
}
