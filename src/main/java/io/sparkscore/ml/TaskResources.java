package io.sparkscore.ml;

import io.sparkscore.runtime.PredictionPath;
import io.sparkscore.runtime.RuntimeOptions;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a task may use for TensorFlow: its thread share and, with Spark resource scheduling
 * ({@code spark.executor.resource.gpu.amount}, {@code spark.task.resource.gpu.amount}), the GPU assigned to it.
 * Without an assigned GPU, TensorFlow runs on the CPU; with one, a CPU-only build (not {@code -Pgpu}) falls back to
 * the CPU too, which is logged once per JVM.
 */
final class TaskResources {

    private static final Logger LOG = LoggerFactory.getLogger(TaskResources.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private TaskResources() {
    }

    static RuntimeOptions forTask(TaskContext task, PredictionPath path, int threads) {
        ResourceInformation gpu = task.resourcesJMap().get("gpu");
        if (path != PredictionPath.TF || gpu == null || gpu.addresses().length == 0) {
            return new RuntimeOptions(threads);
        }
        String device = gpu.addresses()[0];
        if (!BuildInfo.tensorflowNativeClassifier().endsWith("-gpu") && WARNED.compareAndSet(false, true)) {
            LOG.warn("Spark assigned GPU {} to this executor, but sparkscore was built with the CPU-only TensorFlow"
                    + " ({}); scoring runs on the CPU. Build with -Pgpu to use the GPU.", device,
                    BuildInfo.tensorflowNativeClassifier());
        }
        return new RuntimeOptions(threads, device);
    }
}
