package io.sparkscore.cli;

import io.sparkscore.ml.BuildInfo;
import picocli.CommandLine;

/** Prints the versions of sparkscore and of the TensorFlow Java it was built with. */
final class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {"sparkscore " + BuildInfo.sparkscoreVersion(),
                "TensorFlow Java " + BuildInfo.tensorflowJavaVersion()};
    }
}
