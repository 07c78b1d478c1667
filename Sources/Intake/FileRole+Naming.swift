import StudyCatalog

extension FileRole {
    /// The role of a file that is not DICOM, by its name.
    static func ofNonDICOM(named path: String) -> FileRole {
        let name = (path.split(separator: "/").last.map(String.init) ?? path)
        let lower = name.lowercased()
        if lower == ".ds_store" || lower.hasPrefix("._") || lower == "thumbs.db" || lower == "desktop.ini" {
            return .clutter
        }
        let fileExtension = lower.split(separator: ".").count > 1 ? String(lower.split(separator: ".").last!) : ""
        switch fileExtension {
        case "exe", "dll", "com", "bat", "cmd", "jar", "app", "dylib", "so", "msi", "ocx", "sys", "inf", "ini", "cab":
            return .viewer
        // An archive inside a drop is inventoried, never opened.
        case "pdf", "txt", "htm", "html", "xml", "doc", "docx", "rtf", "odt", "css", "js", "zip", "iso", "tar", "gz",
            "tgz", "7z", "rar":
            return .document
        case "jpg", "jpeg", "png", "bmp", "gif", "tif", "tiff":
            return .image
        default:
            return .other
        }
    }
}
