package io.sparkscore.runtime;

import java.io.Serializable;

/**
 * How a loaded model may use the executor: the number of threads one TensorFlow call may use inside an op. Set from
 * {@code spark.task.cpus} so that concurrent tasks do not oversubscribe the cores.
 */
public record RuntimeOptions(int intraOpThreads) implements Serializable {

    public RuntimeOptions {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be at least 1, got " + intraOpThreads);
        }
    }

    public static RuntimeOptions singleThreaded() {
        return new RuntimeOptions(1);
    }
}
