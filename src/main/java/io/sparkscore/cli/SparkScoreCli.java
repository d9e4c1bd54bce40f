package io.sparkscore.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code sparkscore} command (the launcher script and {@code spark-submit} both run this class).
 * Maps every failure to one actionable line on stderr and a documented exit code:
 * 0 ok, 2 usage/config, 3 model, 4 data/reconciliation, 5 runtime (see {@link ExitCodes}).
 */
@Command(name = "sparkscore", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Batch scoring of Keras models on Apache Spark.",
        subcommands = {ScoreCommand.class, InspectCommand.class, CalibrateCommand.class, SampleCommand.class})
public final class SparkScoreCli {

    private static final Logger LOG = LoggerFactory.getLogger(SparkScoreCli.class);

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
            if (ExitCodes.outermostOwn(e) == null) {
                LOG.error("unexpected failure", e);
            }
            cmd.getErr().println("sparkscore: error: " + ExitCodes.describe(e));
            return ExitCodes.of(e);
        });
        return cli.execute(args);
    }
}
