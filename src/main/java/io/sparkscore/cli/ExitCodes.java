package io.sparkscore.cli;

import io.sparkscore.SparkScoreException;
import io.sparkscore.ml.ConfigurationException;
import io.sparkscore.ml.DataException;
import io.sparkscore.model.ModelException;

/**
 * The one place that maps failures to the process exit codes documented in the README: 0 ok, 2 usage and
 * configuration, 3 model, 4 data and reconciliation, 5 runtime (calibration, prediction, Spark, I/O, and any failure
 * that is not sparkscore's own).
 */
final class ExitCodes {

    static final int OK = 0;
    static final int USAGE = 2;
    static final int MODEL = 3;
    static final int DATA = 4;
    static final int RUNTIME = 5;

    private ExitCodes() {
    }

    static int of(Throwable failure) {
        SparkScoreException own = outermostOwn(failure);
        if (own instanceof ConfigurationException) {
            return USAGE;
        }
        if (own instanceof ModelException) {
            return MODEL;
        }
        if (own instanceof DataException) {
            return DATA;
        }
        return RUNTIME;
    }

    /**
     * The first sparkscore exception down the cause chain, or null. Spark wraps executor-side failures in its own
     * exceptions, and the user needs the sparkscore error inside; where sparkscore wraps one of its own (a failed
     * scoring job around a task's error), the outer one says what the run as a whole did.
     */
    static SparkScoreException outermostOwn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SparkScoreException own) {
                return own;
            }
        }
        return null;
    }

    /**
     * One line for stderr: the sparkscore error's message, or, for anything else (a bug or an environment failure
     * sparkscore did not anticipate), its type and message marked as unexpected, so it is never mistaken for advice.
     */
    static String describe(Throwable failure) {
        SparkScoreException own = outermostOwn(failure);
        String line;
        if (own != null) {
            line = own.getMessage();
        } else {
            Throwable root = failure;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            line = "unexpected " + root.getClass().getSimpleName() + ": " + root.getMessage()
                    + " (see the driver log for the stack trace; please report this as a sparkscore bug)";
        }
        return line.replace('\n', ' ');
    }
}
