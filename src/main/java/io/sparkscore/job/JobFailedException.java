package io.sparkscore.job;

import io.sparkscore.ml.JobException;

/**
 * The run failed while it ran (a Spark job whose task failed every attempt, an output or side file that could not be
 * written). Says whether the output was committed, so the user knows what the output location holds.
 */
public class JobFailedException extends JobException {

    public JobFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
