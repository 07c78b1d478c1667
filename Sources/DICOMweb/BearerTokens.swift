import Foundation

/// The tokens `--token-file` grants: one per line, `NAME TOKEN` (the name is who the audit trail
/// says it was) or a bare `TOKEN` (named `token-LINE`); blank lines and `#` comments skipped. The
/// file must be readable by its owner only, like a password file.
struct BearerTokens: Sendable {
    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    private let namesByToken: [String: String]

    init(file path: String) throws(Invalid) {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw Invalid(description: "\(path): \(String(cString: strerror(errno)))")
        }
        guard status.st_mode & 0o077 == 0 else {
            throw Invalid(description: "\(path) is readable by others; make it owner-only (chmod 600)")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Invalid(description: "\(path) cannot be read as UTF-8 text")
        }
        var tokens: [String: String] = [:]
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard let first = words.first, !first.hasPrefix("#") else { continue }
            guard words.count <= 2 else { throw Invalid(description: "\(path):\(number + 1): NAME TOKEN or TOKEN") }
            let token = words.last!
            guard token.utf8.count >= 16 else {
                throw Invalid(description: "\(path):\(number + 1): a token of at least 16 characters")
            }
            tokens[token] = words.count == 2 ? first : "token-\(number + 1)"
        }
        guard !tokens.isEmpty else { throw Invalid(description: "\(path) holds no token") }
        namesByToken = tokens
    }

    /// Who presents this `Authorization` header, or nil when it carries no token granted here.
    func holder(ofAuthorization header: String?) -> String? {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        let presented = Array(header.dropFirst(7).trimmingSpaces.utf8)
        // Compared in full against every token, so the time taken does not tell how much matched.
        var holder: String?
        for (token, name) in namesByToken where Self.equalInConstantTime(Array(token.utf8), presented) {
            holder = name
        }
        return holder
    }

    private static func equalInConstantTime(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
