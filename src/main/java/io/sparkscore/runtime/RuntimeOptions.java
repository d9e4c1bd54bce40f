package io.sparkscore.runtime;

import java.io.Serializable;

/**
 * How a loaded model may use the executor: the number of threads one TensorFlow call may use inside an op (set from
 * {@code spark.task.cpus} so that concurrent tasks do not oversubscribe the cores), and the GPU Spark assigned to the
 * task, if any.
 *
 * @param gpuDevice the CUDA device id Spark's resource scheduling assigned (e.g. {@code "0"}), or null for CPU
 */
public record RuntimeOptions(int intraOpThreads, String gpuDevice) implements Serializable {

    public RuntimeOptions {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be at least 1, got " + intraOpThreads);
        }
    }

    public RuntimeOptions(int intraOpThreads) {
        this(intraOpThreads, null);
    }

    public static RuntimeOptions singleThreaded() {
        return new RuntimeOptions(1);
    }
}
