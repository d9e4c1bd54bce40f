package io.sparkscore.runtime.jvm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which reusable buffer holds each node's output. A node's buffer returns to the pool once its last reader has run
 * (model outputs never return), so a deep chain ping-pongs between a few buffers instead of holding one per layer;
 * a node never writes into a buffer one of its own inputs still occupies.
 */
record BufferPlan(int[] slotOfNode, int[] slotRowSizes) {

    /**
     * @param sources       per node, its inputs: {@code >= 0} a node index, {@code < 0} a model input
     * @param rowSizes      per node, floats per row of its output
     * @param outputSources per model output, the node producing it ({@code < 0}: a model input)
     */
    static BufferPlan of(int[][] sources, int[] rowSizes, int[] outputSources) {
        int n = rowSizes.length;
        int[] lastUse = new int[n];
        for (int i = 0; i < n; i++) {
            lastUse[i] = Math.max(lastUse[i], i);
            for (int s : sources[i]) {
                if (s >= 0) {
                    lastUse[s] = Math.max(lastUse[s], i);
                }
            }
        }
        for (int s : outputSources) {
            if (s >= 0) {
                lastUse[s] = Integer.MAX_VALUE;
            }
        }
        int[] slotOfNode = new int[n];
        List<Integer> sizes = new ArrayList<>();
        List<Integer> free = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int slot;
            if (free.isEmpty()) {
                slot = sizes.size();
                sizes.add(0);
            } else {
                // The largest free buffer is the one least likely to need growing.
                int best = 0;
                for (int k = 1; k < free.size(); k++) {
                    if (sizes.get(free.get(k)) > sizes.get(free.get(best))) {
                        best = k;
                    }
                }
                slot = free.remove(best);
            }
            slotOfNode[i] = slot;
            sizes.set(slot, Math.max(sizes.get(slot), rowSizes[i]));
            for (int s : sources[i]) {
                if (s >= 0 && lastUse[s] == i && !free.contains(slotOfNode[s])) {
                    free.add(slotOfNode[s]);
                }
            }
            if (lastUse[i] == i) {
                free.add(slot);
            }
        }
        return new BufferPlan(slotOfNode, sizes.stream().mapToInt(Integer::intValue).toArray());
    }

    @Override
    public String toString() {
        return "BufferPlan[slots " + Arrays.toString(slotOfNode) + ", row sizes " + Arrays.toString(slotRowSizes)
                + "]";
    }
}
