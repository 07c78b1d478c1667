import Foundation
import Testing

/// The set-up the service unit documents, end to end with two Unix users: staff copy a disc into
/// the inbox under their own account and umask, the service's account takes it in.
@Suite("The documented service set-up, with a staff user and the service user", .serialized)
struct ServiceSetupTests {
    /// Runs `script` with `/bin/sh` as root, its arguments after it.
    private func shell(_ script: String, _ arguments: [String]) throws -> IntakeProcess.Outcome {
        try IntakeProcess.run(["-c", script, "sh"] + arguments, executable: "/bin/sh")
    }

    /// A folder every user can read, holding a copy of `intake`, a sample disc, the service's home,
    /// and an inbox made as the unit's header says.
    private func makeSite() throws -> String {
        let root = NSTemporaryDirectory() + "studyintake-users-" + UUID().uuidString
        let made = try shell(
            """
            set -e
            root=$1; intake=$2; samples=$3
            getent group intake-test >/dev/null || groupadd --system intake-test || getent group intake-test
            id -u intake-test-svc >/dev/null 2>&1 || useradd --system --no-create-home --gid intake-test \\
                --shell /usr/sbin/nologin intake-test-svc || id -u intake-test-svc
            id -u intake-test-staff >/dev/null 2>&1 || useradd --system --no-create-home --groups intake-test \\
                --shell /usr/sbin/nologin intake-test-staff || id -u intake-test-staff
            mkdir -p "$root" && chmod 0755 "$root"
            install -m 0755 "$intake" "$root/intake"
            cp -r "$samples/CSPINE_CT" "$root/disc" && chmod -R a+rX "$root/disc"
            install -d -o intake-test-svc -g intake-test -m 0700 "$root/home"
            install -d -o intake-test-svc -g intake-test -m 2770 "$root/inbox"
            """, [root, IntakeProcess.executable.path, IntakeProcess.sampleStudies])
        #expect(made.status == 0, "\(made.standardError)")
        return root
    }

    /// Staff copy the disc in as they would, umask 022, and mark it ready.
    private func staffCopy(into root: String) throws {
        let copied = try shell(
            #"runuser -u intake-test-staff -- sh -c 'umask 022 && cp -r "$0/disc" "$0/inbox/CT Jane Doe" && touch "$0/inbox/CT Jane Doe/READY"' "$1""#,
            [root])
        #expect(copied.status == 0, "\(copied.standardError)")
    }

    /// The service's watch, with CAP_CHOWN as the unit's AmbientCapabilities gives it, or without.
    private func serviceWatch(_ root: String, capability: Bool) throws -> IntakeProcess.Outcome {
        let capabilities = capability ? "--inh-caps=+chown --ambient-caps=+chown" : ""
        return try shell(
            """
            setpriv --reuid=intake-test-svc --regid=intake-test --init-groups \(capabilities) -- \
                "$1/intake" watch --once --inbox "$1/inbox" --home "$1/home" --settle 0 --log-level info
            """, [root])
    }

    @Test(
        "Staff copy a disc in with umask 022; the service user takes it into its owner-only home",
        .enabled(if: getuid() == 0, "needs root, to make the staff and service users"))
    func documentedSetUp() throws {
        let root = try makeSite()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try staffCopy(into: root)
        let watch = try serviceWatch(root, capability: true)
        #expect(watch.status == 0, "\(watch.standardError)")
        #expect(watch.text.contains(" accepted drop="), "\(watch.text)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/inbox").filter { !$0.hasPrefix(".") } == ["receipts"])
        // Staff read the letter, under their own account.
        let letter = try shell(#"runuser -u intake-test-staff -- cat "$1/inbox/receipts/CT Jane Doe.txt""#, [root])
        #expect(letter.status == 0, "\(letter.standardError)")
        #expect(letter.text.hasPrefix("Accepted — "))
        // Kept as the service's own: owner-only, owned by the service.
        let store = root + "/home/store"
        let id = try #require(try FileManager.default.contentsOfDirectory(atPath: store).first { !$0.hasPrefix(".") })
        for entry in try FileManager.default.subpathsOfDirectory(atPath: store + "/" + id) {
            var status = stat()
            #expect(lstat(store + "/" + id + "/" + entry, &status) == 0)
            #expect(status.st_mode & 0o077 == 0, "\(entry)")
            #expect(String(cString: getpwuid(status.st_uid).pointee.pw_name) == "intake-test-svc", "\(entry)")
        }
        let check = try shell(#"runuser -u intake-test-svc -- "$1/intake" check --home "$1/home""#, [root])
        #expect(check.status == 0, "\(check.text) \(check.standardError)")
        // Nobody but the service reaches what it keeps.
        let peek = try shell(#"runuser -u intake-test-staff -- ls "$1/home/store""#, [root])
        #expect(peek.status != 0)
    }

    @Test(
        "Without CAP_CHOWN the service may not move the staff's folder: a warning saying how to fix it, the drop kept",
        .enabled(if: getuid() == 0, "needs root, to make the staff and service users"))
    func withoutCapability() throws {
        let root = try makeSite()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try staffCopy(into: root)
        let watch = try serviceWatch(root, capability: false)
        #expect(watch.status == 0, "\(watch.standardError)")
        #expect(watch.standardError.contains("cannot move the drop out of the inbox"), "\(watch.standardError)")
        #expect(watch.standardError.contains("AmbientCapabilities=CAP_CHOWN"))
        #expect(!watch.standardError.contains("Jane"))
        #expect(FileManager.default.fileExists(atPath: root + "/inbox/CT Jane Doe/READY"))
    }
}
