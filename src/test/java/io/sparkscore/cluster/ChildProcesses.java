package io.sparkscore.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stopping process trees by PID and reading their logs; shared by the cluster tests. */
final class ChildProcesses {

    private ChildProcesses() {
    }

    /**
     * Kills {@code root} and every descendant, children first so that no JVM is orphaned while its parent dies, then
     * waits for each to go. Executors of a Worker and the driver JVM that spark-submit execs are all descendants.
     */
    static void destroyTree(ProcessHandle root) {
        List<ProcessHandle> tree = new java.util.ArrayList<>(root.descendants().toList());
        java.util.Collections.reverse(tree);
        tree.add(root);
        for (ProcessHandle p : tree) {
            p.destroy();
        }
        for (ProcessHandle p : tree) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
    }

    /** The last {@code lines} lines of a log, headed by its name; a missing log says so. */
    static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "---- " + log + " (last " + Math.min(lines, all.size()) + " lines)\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
        } catch (IOException e) {
            return "---- " + log + ": not readable (" + e + ")\n";
        }
    }
}
