import Foundation
import Testing

@testable import Intake

@Suite("Review-readiness patterns and submission ids")
struct ReadinessRuleTests {
    @Test(
        "A description names T2 weighting, T2* or T1, or neither",
        arguments: [
            ("SAG T2 TSE", true), ("t2w_tse_sag", true), ("AX T2", true), ("T2", true), ("ax_T2W", true),
            ("SAG T2* MEDIC", false), ("T2 * GRE", false), ("SAG T1 TSE", false), ("t1w_se", false),
            ("T2T1 MAP", nil), ("ST2 SURVEY", nil), ("LOCALIZER", nil), ("", nil), ("PT2", nil),
        ] as [(String, Bool?)])
    func t2Weighting(description: String, named: Bool?) {
        #expect(SubmissionAssembly.namesT2Weighting(description) == named)
    }

    @Test(
        "Bone kernels: BONE, Siemens B/Br 60 and sharper, Toshiba/Canon FC30 and sharper",
        arguments: [
            ("BONE", true), ("BONEPLUS", true), ("B70f", true), ("Br64", true), ("Br64 2", true), ("FC30", true),
            ("FC81S", true), ("STANDARD", false), ("B30f", false), ("Br40", false), ("FC13", false),
            ("B70fX", false), ("", false),
        ])
    func boneKernel(kernel: String, bone: Bool) {
        #expect(SubmissionAssembly.isBoneKernel(kernel) == bone)
    }

    @Test("A submission id is its UTC time to the second and six hex digits")
    func submissionID() throws {
        let before = Date()
        let id = Ingester.makeSubmissionID()
        let after = Date()
        let match = try #require(id.wholeMatch(of: #/(\d{8}-\d{6})-[0-9a-f]{6}/#))
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let stamped = try #require(formatter.date(from: String(match.1)))
        #expect(stamped >= before.addingTimeInterval(-1) && stamped <= after)
        #expect(Ingester.makeSubmissionID() != id)
    }
}
