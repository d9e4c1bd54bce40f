package io.sparkscore.runtime.jvm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BufferPlanTest {

    @Test
    void aChainPingPongsBetweenTwoBuffersSizedForTheLargestTensorEach() {
        // input -> 0 -> 1 -> 2 -> 3 (output)
        BufferPlan plan = BufferPlan.of(new int[][] {{-1}, {0}, {1}, {2}}, new int[] {4, 8, 2, 3},
                new int[] {3});
        assertThat(plan.slotOfNode()).containsExactly(0, 1, 0, 1);
        assertThat(plan.slotRowSizes()).containsExactly(4, 8);
    }

    @Test
    void aNodeNeverWritesIntoItsOwnInputAndOutputsAreNeverReused() {
        // 0 is a model output and also feeds 1 and 2; 3 merges 1 and 2
        BufferPlan plan = BufferPlan.of(new int[][] {{-1}, {0}, {0}, {1, 2}}, new int[] {2, 2, 2, 2},
                new int[] {0, 3});
        int[] slot = plan.slotOfNode();
        assertThat(slot[1]).isNotEqualTo(slot[0]);
        assertThat(slot[2]).isNotIn(slot[0], slot[1]);
        assertThat(slot[3]).isNotIn(slot[0], slot[1], slot[2]);
    }

    @Test
    void aBufferIsReusedOnlyAfterItsLastReader() {
        // 0 feeds 1 and 3; 2 reads 1; 3 reads 0 and 2
        BufferPlan plan = BufferPlan.of(new int[][] {{-1}, {0}, {1}, {0, 2}}, new int[] {1, 1, 1, 1},
                new int[] {3});
        int[] slot = plan.slotOfNode();
        assertThat(slot[2]).isNotEqualTo(slot[0]);
        assertThat(slot[3]).isNotIn(slot[0], slot[2]);
    }
}
