import StudyCatalog

/// QIDO-RS answers from catalog rows, with every attribute the catalog has for the level (more than
/// the required set, as the standard allows) and RetrieveURLs under the server's public base.
struct QIDOResults {
    let base: String

    func study(_ study: StudySummary) -> DICOMJSONObject {
        var object = DICOMJSONObject()
        object.set(.specificCharacterSet, "ISO_IR 192")
        object.set(.studyInstanceUID, study.studyInstanceUID)
        object.set(.studyDate, study.studyDate)
        object.set(.studyTime, study.studyTime)
        object.set(.accessionNumber, study.accessionNumber)
        object.set(.instanceAvailability, "ONLINE")
        object.set(.modalitiesInStudy, study.modalitiesInStudy)
        object.set(.referringPhysicianName, nil as String?)
        object.set(.studyDescription, study.studyDescription)
        object.set(.patientName, study.patientName)
        object.set(.patientID, study.patientID)
        object.set(.patientBirthDate, study.patientBirthDate)
        object.set(.patientSex, study.patientSex)
        object.set(.studyID, nil as String?)
        object.set(.numberOfStudyRelatedSeries, study.numberOfStudyRelatedSeries)
        object.set(.numberOfStudyRelatedInstances, study.numberOfStudyRelatedInstances)
        object.set(.retrieveURL, "\(base)/studies/\(study.studyInstanceUID)")
        return object
    }

    func series(_ series: SeriesSummary) -> DICOMJSONObject {
        var object = DICOMJSONObject()
        object.set(.specificCharacterSet, "ISO_IR 192")
        object.set(.studyInstanceUID, series.studyInstanceUID)
        object.set(.seriesInstanceUID, series.seriesInstanceUID)
        object.set(.modality, series.modality)
        object.set(.seriesNumber, series.seriesNumber)
        object.set(.seriesDescription, series.seriesDescription)
        object.set(.bodyPartExamined, series.bodyPartExamined)
        object.set(.instanceAvailability, "ONLINE")
        object.set(.numberOfSeriesRelatedInstances, series.numberOfSeriesRelatedInstances)
        object.set(.retrieveURL, "\(base)/studies/\(series.studyInstanceUID)/series/\(series.seriesInstanceUID)")
        return object
    }

    func instance(_ instance: StoredInstance) -> DICOMJSONObject {
        var object = DICOMJSONObject()
        object.set(.specificCharacterSet, "ISO_IR 192")
        object.set(.studyInstanceUID, instance.studyInstanceUID)
        object.set(.seriesInstanceUID, instance.seriesInstanceUID)
        object.set(.sopClassUID, instance.sopClassUID)
        object.set(.sopInstanceUID, instance.sopInstanceUID)
        object.set(.instanceNumber, instance.instanceNumber)
        object.set(.availableTransferSyntaxUID, instance.transferSyntaxUID)
        object.set(.instanceAvailability, "ONLINE")
        object.set(
            .retrieveURL,
            "\(base)/studies/\(instance.studyInstanceUID)/series/\(instance.seriesInstanceUID)/instances/\(instance.sopInstanceUID)"
        )
        return object
    }
}
