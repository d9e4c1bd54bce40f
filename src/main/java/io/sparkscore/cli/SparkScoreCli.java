package io.sparkscore.cli;

import io.sparkscore.calibration.CalibrationException;
import io.sparkscore.ml.JobException;
import io.sparkscore.model.ModelException;
import io.sparkscore.runtime.PredictionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code sparkscore} command (the launcher script and {@code spark-submit} both run this class).
 * Maps every failure to one actionable line on stderr and a documented exit code:
 * 0 ok, 2 usage/config, 3 model, 4 data/reconciliation, 5 runtime.
 */
@Command(name = "sparkscore", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Batch scoring of Keras models on Apache Spark.",
        subcommands = {ScoreCommand.class, InspectCommand.class, CalibrateCommand.class, SampleCommand.class})
public final class SparkScoreCli {

    public static void main(String[] args) {
        int code = run(args);
        // In YARN cluster mode this main runs inside the ApplicationMaster, which reports success only when main
        // returns: exiting, even with 0, makes YARN record the application as failed.
        if (code != 0 || !inYarnApplicationMaster()) {
            System.exit(code);
        }
    }

    /** Spark's ApplicationMaster sets this property only when it runs the driver (cluster mode). */
    private static boolean inYarnApplicationMaster() {
        return System.getProperty("spark.yarn.app.id") != null;
    }

    /** Runs a command line and returns its exit code, without exiting; tests use this. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new SparkScoreCli());
        cli.setDefaultValueProvider(new SparkConfDefaults());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("sparkscore: error: " + oneLine(e));
            return exitCode(e);
        });
        return cli.execute(args);
    }

    static int exitCode(Throwable e) {
        Throwable root = unwrap(e);
        if (root instanceof JobException je) {
            return je.exitCode();
        }
        if (root instanceof ModelException) {
            return JobException.MODEL;
        }
        if (root instanceof CalibrationException || root instanceof PredictionException) {
            return JobException.RUNTIME;
        }
        return JobException.RUNTIME;
    }

    static String oneLine(Throwable e) {
        Throwable root = unwrap(e);
        String msg = root.getMessage() == null ? root.getClass().getName() : root.getMessage();
        return msg.replace('\n', ' ');
    }

    /** Spark wraps executor-side failures; the user needs the innermost sparkscore error. */
    private static Throwable unwrap(Throwable e) {
        Throwable found = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JobException || t instanceof ModelException || t instanceof CalibrationException
                    || t instanceof PredictionException) {
                found = t;
                break;
            }
        }
        return found;
    }
}
