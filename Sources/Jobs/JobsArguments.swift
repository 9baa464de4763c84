public import Queue

/// The job kinds this module runs, by their arguments types, for ``Queue/EnqueueChecks``.
public enum JobsArguments {
    public static let all: [any JobArguments.Type] = [
        BackupJobHandler.Arguments.self, ValidationJobHandler.Arguments.self, RetentionJobHandler.Arguments.self,
        RestoreJobHandler.Arguments.self,
    ]
}
