package io.sparkscore.ml;

/**
 * Root of job-level failures that are the user's to fix: configuration (options, paths) and data (schema, bad rows,
 * reconciliation). Each carries the process exit code the CLI reports.
 */
public class JobException extends RuntimeException {

    /** Exit code for usage and configuration errors. */
    public static final int USAGE = 2;
    /** Exit code for model errors (unreadable, unsupported). */
    public static final int MODEL = 3;
    /** Exit code for data errors (schema mismatch, bad rows under --bad-rows fail, reconciliation). */
    public static final int DATA = 4;
    /** Exit code for runtime failures (Spark, TensorFlow, I/O). */
    public static final int RUNTIME = 5;

    private final int exitCode;

    public JobException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public JobException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    public static JobException config(String message) {
        return new JobException(USAGE, message);
    }

    public static JobException data(String message) {
        return new JobException(DATA, message);
    }
}
