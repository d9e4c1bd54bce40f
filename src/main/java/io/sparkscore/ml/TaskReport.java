package io.sparkscore.ml;

import java.util.Map;
import java.util.TreeMap;

/**
 * One finished scoring task as reported by its executor; parsed back on the driver for the run summary.
 * Line format: {@code executor=1 host=127.0.0.1 pid=123 partition=3 attempt=0 rows=100 builds=1}.
 */
public record TaskReport(String executorId, String host, long pid, int partition, int attempt, long rows,
                         long modelBuildsInJvm) {

    public String toLine() {
        return "executor=" + executorId + " host=" + host + " pid=" + pid + " partition=" + partition + " attempt="
                + attempt + " rows=" + rows + " builds=" + modelBuildsInJvm;
    }

    public static TaskReport parse(String line) {
        Map<String, String> kv = new TreeMap<>();
        for (String part : line.split(" ")) {
            int eq = part.indexOf('=');
            kv.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return new TaskReport(kv.get("executor"), kv.get("host"), Long.parseLong(kv.get("pid")),
                Integer.parseInt(kv.get("partition")), Integer.parseInt(kv.get("attempt")),
                Long.parseLong(kv.get("rows")), Long.parseLong(kv.get("builds")));
    }
}
