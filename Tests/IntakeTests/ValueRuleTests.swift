import DICOM
import Testing

@testable import Intake

@Suite("UID and date rules")
struct ValueRuleTests {
    @Test(
        "UIDs",
        arguments: [
            ("1.2.840.10008.5.1.4.1.1.4", true), ("2.25.194756210179948891894618798673876765174", true),
            ("1.2.0.3", true),
            ("1.2.03", false), ("1..2", false), ("1.2.", false), ("1.2.a", false), ("", false),
            (String(repeating: "1.", count: 32) + "1", false),
        ])
    func uid(value: String, valid: Bool) {
        #expect(UIDSyntax.isConformant(value) == valid)
    }

    @Test(
        "UIDs taken from requests: digits and dots, leading zeros let through",
        arguments: [
            ("1.2.840.10008.5.1.4.1.1.4", true), ("1.2.03", true), ("1..2", false), ("1.2.", false),
            ("../etc", false), ("1.2/3", false), ("", false), (String(repeating: "1.", count: 32) + "1", false),
        ])
    func wellFormedUID(value: String, wellFormed: Bool) {
        #expect(UIDSyntax.isWellFormed(value) == wellFormed)
    }

    @Test(
        "Dates",
        arguments: [
            ("20240415", true), ("20240229", true), ("20230229", false), ("20241301", false), ("2024-04-15", false),
            ("20240400", false), ("19000101", true), ("2024041", false), ("19000229", false), ("20000229", true),
            ("20240431", false),
        ])
    func date(value: String, valid: Bool) {
        #expect(SubmissionAssembly.isValidDate(value) == valid)
    }
}
