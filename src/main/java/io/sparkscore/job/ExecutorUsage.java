package io.sparkscore.job;

import io.sparkscore.ml.TaskReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per executor JVM: how many scoring tasks it ran, how many rows it scored, and how many models it had built by its
 * last task — the evidence that each JVM built the model once.
 */
public record ExecutorUsage(String executorId, String host, long pid, int tasks, int retriedTasks, long rows,
                            long modelBuilds) {

    public static List<ExecutorUsage> summarise(List<TaskReport> reports) {
        Map<String, ExecutorUsage> byJvm = new LinkedHashMap<>();
        for (TaskReport r : reports) {
            String key = r.executorId() + "@" + r.host() + "#" + r.pid();
            ExecutorUsage prev = byJvm.get(key);
            int retried = r.attempt() > 0 ? 1 : 0;
            byJvm.put(key, prev == null
                    ? new ExecutorUsage(r.executorId(), r.host(), r.pid(), 1, retried, r.rows(), r.modelBuildsInJvm())
                    : new ExecutorUsage(r.executorId(), r.host(), r.pid(), prev.tasks + 1, prev.retriedTasks + retried,
                            prev.rows + r.rows(), Math.max(prev.modelBuilds, r.modelBuildsInJvm())));
        }
        return new ArrayList<>(byJvm.values());
    }
}
