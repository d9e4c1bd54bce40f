package io.sparkscore.cluster;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code executors} section of a run summary, read the one way the cluster ITs check it: which JVMs scored,
 * how many tasks each ran and retried, and how many models each built.
 */
record SummaryExecutors(List<Entry> entries) {

    /** One executor JVM's entry; prints as the JSON it was read from, for assertion messages. */
    record Entry(String executorId, long pid, long tasks, long retriedTasks, long modelBuilds, JsonNode json) {
        @Override
        public String toString() {
            return json.toString();
        }
    }

    static SummaryExecutors of(JsonNode summary) {
        List<Entry> entries = new ArrayList<>();
        for (JsonNode e : summary.get("executors")) {
            entries.add(new Entry(e.get("executorId").asText(), e.get("pid").asLong(), e.get("tasks").asLong(),
                    e.get("retriedTasks").asLong(), e.get("modelBuilds").asLong(), e));
        }
        return new SummaryExecutors(List.copyOf(entries));
    }

    List<Long> pids() {
        return entries.stream().map(Entry::pid).toList();
    }

    /** Successful scoring tasks, over all executors. */
    long tasks() {
        return entries.stream().mapToLong(Entry::tasks).sum();
    }

    long retriedTasks() {
        return entries.stream().mapToLong(Entry::retriedTasks).sum();
    }

    long tasksOf(long pid) {
        return entries.stream().filter(e -> e.pid() == pid).mapToLong(Entry::tasks).sum();
    }

    /** Every entry is an executor, not the driver, and there are {@code jvms} of them, none this test's JVM. */
    void assertScoredOnExecutorJvms(int jvms) {
        for (Entry e : entries) {
            assertThat(e.executorId()).as("executor %s", e).isNotEqualTo("driver");
        }
        assertThat(pids()).as("executor JVMs").hasSize(jvms).doesNotHaveDuplicates()
                .doesNotContain(ProcessHandle.current().pid());
    }
}
