import GRDB

/// The catalog's schema as named, append-only migrations: a migration that has shipped is never
/// edited, a change is a new migration.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-submissions-studies-series-instances") { db in
            try db.execute(
                sql: """
                    CREATE TABLE submission (
                        id TEXT PRIMARY KEY,
                        receivedAt TEXT NOT NULL,
                        source TEXT NOT NULL,
                        status TEXT NOT NULL,
                        note TEXT,
                        priority TEXT NOT NULL,
                        levelsOfConcern TEXT NOT NULL DEFAULT ''
                    );
                    CREATE TABLE patient (
                        id INTEGER PRIMARY KEY,
                        patientID TEXT NOT NULL,
                        issuerOfPatientID TEXT NOT NULL,
                        nameKey TEXT NOT NULL,
                        patientBirthDate TEXT NOT NULL,
                        patientName TEXT,
                        patientSex TEXT,
                        UNIQUE (patientID, issuerOfPatientID, nameKey, patientBirthDate)
                    );
                    CREATE INDEX patient_nameKey ON patient(nameKey);
                    CREATE TABLE study (
                        studyInstanceUID TEXT PRIMARY KEY,
                        patientRowID INTEGER NOT NULL REFERENCES patient(id),
                        studyDate TEXT,
                        studyTime TEXT,
                        accessionNumber TEXT,
                        studyDescription TEXT,
                        referringPhysicianName TEXT,
                        institutionName TEXT
                    );
                    CREATE INDEX study_patient ON study(patientRowID);
                    CREATE INDEX study_date ON study(studyDate);
                    CREATE INDEX study_accession ON study(accessionNumber);
                    CREATE TABLE series (
                        seriesInstanceUID TEXT PRIMARY KEY,
                        studyInstanceUID TEXT NOT NULL REFERENCES study(studyInstanceUID),
                        modality TEXT,
                        seriesNumber INTEGER,
                        seriesDescription TEXT,
                        protocolName TEXT,
                        bodyPartExamined TEXT,
                        plane TEXT,
                        sliceThickness REAL,
                        magneticFieldStrength REAL,
                        repetitionTime REAL,
                        echoTime REAL,
                        convolutionKernel TEXT,
                        manufacturer TEXT,
                        manufacturerModelName TEXT
                    );
                    CREATE INDEX series_study ON series(studyInstanceUID);
                    CREATE INDEX series_modality ON series(modality);
                    CREATE TABLE seriesLevel (
                        seriesInstanceUID TEXT NOT NULL REFERENCES series(seriesInstanceUID),
                        level TEXT NOT NULL,
                        PRIMARY KEY (seriesInstanceUID, level)
                    ) WITHOUT ROWID;
                    CREATE INDEX seriesLevel_level ON seriesLevel(level);
                    CREATE TABLE studyLevel (
                        studyInstanceUID TEXT NOT NULL REFERENCES study(studyInstanceUID),
                        level TEXT NOT NULL,
                        PRIMARY KEY (studyInstanceUID, level)
                    ) WITHOUT ROWID;
                    CREATE INDEX studyLevel_level ON studyLevel(level);
                    CREATE TABLE instance (
                        id INTEGER PRIMARY KEY,
                        sopInstanceUID TEXT NOT NULL,
                        contentHash TEXT NOT NULL,
                        seriesInstanceUID TEXT NOT NULL REFERENCES series(seriesInstanceUID),
                        sopClassUID TEXT,
                        instanceNumber INTEGER,
                        transferSyntaxUID TEXT,
                        firstSubmissionId TEXT NOT NULL REFERENCES submission(id),
                        UNIQUE (sopInstanceUID, contentHash)
                    );
                    CREATE INDEX instance_series ON instance(seriesInstanceUID);
                    CREATE TABLE submissionStudy (
                        submissionId TEXT NOT NULL REFERENCES submission(id),
                        studyInstanceUID TEXT NOT NULL REFERENCES study(studyInstanceUID),
                        PRIMARY KEY (submissionId, studyInstanceUID)
                    ) WITHOUT ROWID;
                    CREATE INDEX submissionStudy_study ON submissionStudy(studyInstanceUID);
                    CREATE TABLE file (
                        id INTEGER PRIMARY KEY,
                        submissionId TEXT NOT NULL REFERENCES submission(id),
                        path TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        contentHash TEXT NOT NULL,
                        role TEXT NOT NULL,
                        instanceRowID INTEGER REFERENCES instance(id),
                        UNIQUE (submissionId, path)
                    );
                    CREATE INDEX file_instance ON file(instanceRowID);
                    CREATE TABLE finding (
                        id INTEGER PRIMARY KEY,
                        submissionId TEXT NOT NULL REFERENCES submission(id),
                        severity TEXT NOT NULL,
                        code TEXT NOT NULL,
                        message TEXT NOT NULL,
                        path TEXT,
                        uid TEXT
                    );
                    CREATE INDEX finding_submission ON finding(submissionId);
                    CREATE TABLE review (
                        submissionId TEXT PRIMARY KEY REFERENCES submission(id),
                        status TEXT NOT NULL,
                        priority TEXT NOT NULL,
                        reviewer TEXT,
                        queuedAt TEXT NOT NULL,
                        claimedAt TEXT,
                        completedAt TEXT,
                        outcome TEXT
                    );
                    CREATE INDEX review_status ON review(status, priority, queuedAt);
                    CREATE TABLE event (
                        id INTEGER PRIMARY KEY,
                        at TEXT NOT NULL,
                        actor TEXT NOT NULL,
                        action TEXT NOT NULL,
                        subject TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v2-submission-requester") { db in
            try db.execute(sql: "ALTER TABLE submission ADD COLUMN requester TEXT")
        }
        // Instances are told apart by the digest of their header bytes (read without pixel data)
        // instead of a whole-file hash, and a file's whole-content hash is known only when all of
        // it was read (copied into the store or taken over). Earlier rows keep their whole-file
        // hash, marked, so that they are never taken for identical to a new instance: a re-sent
        // copy of one is reported as a conflict and kept apart, never silently linked. A submission
        // records whether its files were cataloged in place, for `intake check`.
        migrator.registerMigration("v3-instance-header-digest") { db in
            try db.execute(
                sql: """
                    CREATE TABLE instance_v3 (
                        id INTEGER PRIMARY KEY,
                        sopInstanceUID TEXT NOT NULL,
                        headerDigest TEXT NOT NULL,
                        seriesInstanceUID TEXT NOT NULL REFERENCES series(seriesInstanceUID),
                        sopClassUID TEXT,
                        instanceNumber INTEGER,
                        transferSyntaxUID TEXT,
                        firstSubmissionId TEXT NOT NULL REFERENCES submission(id),
                        UNIQUE (sopInstanceUID, headerDigest)
                    );
                    INSERT INTO instance_v3
                        SELECT id, sopInstanceUID, 'whole-file-sha256:' || contentHash, seriesInstanceUID, sopClassUID,
                               instanceNumber, transferSyntaxUID, firstSubmissionId
                        FROM instance;
                    DROP TABLE instance;
                    ALTER TABLE instance_v3 RENAME TO instance;
                    CREATE INDEX instance_series ON instance(seriesInstanceUID);
                    CREATE TABLE file_v3 (
                        id INTEGER PRIMARY KEY,
                        submissionId TEXT NOT NULL REFERENCES submission(id),
                        path TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        contentHash TEXT,
                        role TEXT NOT NULL,
                        instanceRowID INTEGER REFERENCES instance(id),
                        UNIQUE (submissionId, path)
                    );
                    INSERT INTO file_v3 SELECT id, submissionId, path, size, contentHash, role, instanceRowID FROM file;
                    DROP TABLE file;
                    ALTER TABLE file_v3 RENAME TO file;
                    CREATE INDEX file_instance ON file(instanceRowID);
                    ALTER TABLE submission ADD COLUMN filesInPlace INTEGER NOT NULL DEFAULT 0;
                    """)
        }
        // A file whose header breaks off after its identifying attributes is cataloged, marked damaged.
        migrator.registerMigration("v4-instance-damage") { db in
            try db.execute(sql: "ALTER TABLE instance ADD COLUMN damage TEXT")
        }
        // "This file was linked to an earlier identical copy" is a fact of the file row, not a
        // finding that queries parse back: set from the findings that said so until now.
        migrator.registerMigration("v5-file-linked") { db in
            try db.execute(
                sql: """
                    ALTER TABLE file ADD COLUMN linked INTEGER NOT NULL DEFAULT 0;
                    UPDATE file SET linked = 1 WHERE EXISTS (
                        SELECT 1 FROM finding d
                        WHERE d.submissionId = file.submissionId AND d.code = 'duplicate-identical' AND d.path = file.path);
                    """)
        }
        // A study search by spinal level finds the studies of the series at that level from the
        // level's rows alone (a series' study never changes), not by a join through every series.
        migrator.registerMigration("v6-series-level-study") { db in
            try db.execute(
                sql: """
                    ALTER TABLE seriesLevel ADD COLUMN studyInstanceUID TEXT;
                    UPDATE seriesLevel SET studyInstanceUID = (
                        SELECT studyInstanceUID FROM series WHERE series.seriesInstanceUID = seriesLevel.seriesInstanceUID);
                    CREATE INDEX seriesLevel_level_study ON seriesLevel(level, studyInstanceUID);
                    """)
        }
        // A person's decision on a held or quarantined submission: release or dismissal, by whom,
        // when, and the note or reason given.
        migrator.registerMigration("v7-submission-decision") { db in
            try db.execute(
                sql: """
                    ALTER TABLE submission ADD COLUMN decision TEXT;
                    ALTER TABLE submission ADD COLUMN decidedBy TEXT;
                    ALTER TABLE submission ADD COLUMN decidedAt TEXT;
                    ALTER TABLE submission ADD COLUMN decisionNote TEXT;
                    CREATE INDEX submission_status ON submission(status, receivedAt);
                    """)
        }
        // One review per case: a submission joined to the review already covering its studies,
        // and a review queued for new series of a reviewed case marked as its follow-up.
        migrator.registerMigration("v8-review-links") { db in
            try db.execute(
                sql: """
                    CREATE TABLE reviewLink (
                        submissionId TEXT PRIMARY KEY REFERENCES submission(id),
                        reviewSubmissionId TEXT NOT NULL REFERENCES review(submissionId)
                    ) WITHOUT ROWID;
                    CREATE INDEX reviewLink_review ON reviewLink(reviewSubmissionId);
                    ALTER TABLE review ADD COLUMN followUpOf TEXT;
                    """)
        }
        return migrator
    }
}
