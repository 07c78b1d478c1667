import Foundation

/// The form in which person names are compared and searched: upper case, accents removed, only the
/// alphabetic component group, spaces around `^` dropped. `Müller^Jürgen` and `MUELLER`-style
/// transliterations are not merged; `Müller^Jürgen` and `MULLER^JURGEN` are.
public enum NameKey {
    public static func make(_ dicomName: String) -> String {
        let alphabetic = dicomName.split(separator: "=", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let folded = alphabetic.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).uppercased()
        let components = folded.split(separator: "^", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        var trimmed = components
        while let last = trimmed.last, last.isEmpty { trimmed.removeLast() }
        return trimmed.joined(separator: "^")
    }

    /// A `--patient-name` pattern (`*` any run, `?` one character) as patterns over keys, still with
    /// `*` and `?` as wildcards (each backend writes them in its own syntax). A pattern without `^`
    /// also matches as the family name: `doe` finds `DOE^JANE`.
    public static func keyPatterns(_ pattern: String) -> [String] {
        let key = make(pattern)
        return key.contains("^") ? [key] : [key, key + "^*"]
    }

    /// The initials of a name's alphabetic group, for `--redact`: `DOE^JANE` → `D.J.`,
    /// `Yamada^Tarou=山田^太郎` → `Y.T.`.
    public static func initials(_ dicomName: String) -> String {
        let alphabetic = dicomName.split(separator: "=", omittingEmptySubsequences: false).first ?? ""
        return alphabetic.split(separator: "^").compactMap { component in
            component.trimmingCharacters(in: .whitespaces).first.map { "\($0)." }
        }.joined()
    }
}
