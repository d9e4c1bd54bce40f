package io.sparkscore.runtime.jvm;

/**
 * The softmax of attention scores as Keras takes it: a masked score is lowered by 1e9 (in float32, so that a row
 * whose every score is masked comes out as Keras' does), then {@code exp(s - max) / Σ exp(s - max)}.
 */
final class AttentionSoftmax {

    /** What a masked score is lowered by. */
    static final float MASKED = -1e9f;

    private AttentionSoftmax() {
    }

    /** Masks {@code scores[from .. from + n)} at and after {@code firstMasked}, then normalises them in place. */
    static void apply(float[] scores, int from, int n, int firstMasked) {
        for (int j = Math.max(firstMasked, 0); j < n; j++) {
            scores[from + j] += MASKED;
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, scores[from + j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            float e = (float) Math.exp(scores[from + j] - max);
            scores[from + j] = e;
            sum += e;
        }
        float inv = (float) (1 / sum);
        for (int j = 0; j < n; j++) {
            scores[from + j] *= inv;
        }
    }
}
