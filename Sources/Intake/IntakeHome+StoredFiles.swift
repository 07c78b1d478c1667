import DICOM
import StudyCatalog

extension IntakeHome {
    /// The file of a stored instance, to be opened below the folder of the accepted submission that
    /// keeps it (its folder in the store, or the drop it was cataloged in place from), through no
    /// link: a path from the catalog, never from elsewhere.
    public func file(_ instance: StoredInstance) throws(DICOMReadError) -> StoredInstanceFile {
        let folder = instance.filesInPlace ? instance.source : storePath + "/" + instance.submissionId
        return StoredInstanceFile(folder: try Folder(path: folder), path: instance.path)
    }
}
